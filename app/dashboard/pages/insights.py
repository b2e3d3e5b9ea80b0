"""Subscriptions, renewals and redundancy."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from app.api.deps import SessionDep
from app.auth.service import Principal
from app.dashboard import queries
from app.dashboard.render import INSIGHTS_PERM, REDUNDANCY_PERM, page_viewer, render

router = APIRouter(include_in_schema=False)


@router.get("/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request, session: SessionDep) -> Response:
    principal = page_viewer(request, session, INSIGHTS_PERM)
    if not isinstance(principal, Principal):
        return principal
    from app.config import get_settings

    return render(
        request,
        "subscriptions.html",
        principal,
        subscriptions=queries.subscriptions(session, principal),
        renewals=queries.renewals(session, principal),
        currency=get_settings().reporting_currency,
    )


@router.get("/redundancy", response_class=HTMLResponse)
def redundancy_page(request: Request, session: SessionDep) -> Response:
    principal = page_viewer(request, session, REDUNDANCY_PERM)
    if not isinstance(principal, Principal):
        return principal
    return render(
        request,
        "redundancy.html",
        principal,
        report=queries.redundancy(session, principal),
    )
