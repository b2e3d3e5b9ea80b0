"""Subscriptions, renewals and redundancy."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app import periods
from app.api.deps import SessionDep
from app.auth.principal import Principal
from app.config import get_settings
from app.dashboard import export, queries
from app.dashboard.render import INSIGHTS_PERM, REDUNDANCY_PERM, error_page, page_viewer, render
from app.db import utcnow
from app.errors import AppError
from app.insights.redundancy import CONSOLIDATION_DISCOUNT_PCT

router = APIRouter(include_in_schema=False)


@router.get("/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request, session: SessionDep) -> Response:
    principal = page_viewer(request, session, INSIGHTS_PERM)
    if not isinstance(principal, Principal):
        return principal
    return render(
        request,
        "subscriptions.html",
        principal,
        subscriptions=queries.subscriptions(session, principal),
        renewals=queries.renewals(session, principal),
        currency=get_settings().reporting_currency,
        today=utcnow().date(),
    )


@router.get("/subscriptions.csv")
def subscriptions_csv(request: Request, session: SessionDep) -> Response:
    """The subscriptions table as CSV: the fields of ``GET /api/v1/insights/subscriptions``."""
    principal = page_viewer(request, session, INSIGHTS_PERM)
    if not isinstance(principal, Principal):
        return principal
    items = queries.subscriptions(session, principal).items
    return export.models_response("shadowspend-subscriptions.csv", items)


@router.get("/redundancy", response_class=HTMLResponse)
def redundancy_page(
    request: Request,
    session: SessionDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    """Redundancy over the same period parameters as every page (default: the last 12 full
    months)."""
    principal = page_viewer(request, session, REDUNDANCY_PERM)
    if not isinstance(principal, Principal):
        return principal
    try:
        period = periods.resolve(date_from, date_to, utcnow().date())
    except AppError as exc:
        return error_page(request, principal, exc)
    return render(
        request,
        "redundancy.html",
        principal,
        report=queries.redundancy(session, principal, period),
        discount_pct=CONSOLIDATION_DISCOUNT_PCT,
        period=period,
    )
