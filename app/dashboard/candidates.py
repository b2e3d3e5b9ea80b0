"""The dashboard's candidate-vendors page: software the catalog lacks, to confirm or reject.

Its own module (the dashboard router is past the size we keep modules at); it reuses the
router's rendering and sign-in helpers and the same service the API calls.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse

import classifiers
from app.api.deps import SessionDep
from app.auth import cookie as web_session
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.candidates import service as candidate_service
from app.config import get_settings
from app.dashboard.render import error_page as _error
from app.dashboard.render import not_permitted as _not_permitted
from app.dashboard.render import page_viewer as _page_viewer
from app.dashboard.render import redirect as _redirect
from app.dashboard.render import render as _render
from app.dashboard.render import to_login as _to_login
from app.errors import AppError, Forbidden

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


@router.get("/candidates", response_class=HTMLResponse)
def candidates_page(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    done: Annotated[str | None, Query(max_length=20)] = None,
    name: Annotated[str | None, Query(max_length=300)] = None,
) -> Response:
    principal = _page_viewer(request, session, Perm.RULES_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        items, next_cursor = candidate_service.list_candidates(
            session, limit=PAGE_SIZE, cursor=cursor, q=q
        )
    except AppError as exc:
        return _error(request, principal, exc)
    notice = None
    if done in {"confirmed", "rejected"} and name:
        notice = (
            f"{name} was added to the catalog; its transactions now name it."
            if done == "confirmed"
            else f"{name} is marked as not software; its transactions were re-classified."
        )
    return _render(
        request,
        "candidates.html",
        principal,
        candidates=items,
        next_cursor=next_cursor,
        q=q or "",
        notice=notice,
        can_decide=allowed(principal.role, Perm.RULES_WRITE, scoped=principal.scoped),
        categories=classifiers.CATEGORIES,
        currency=get_settings().reporting_currency,
    )


@router.post("/candidates/decision")
def candidate_decision(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(min_length=1, max_length=300)],
    decision: Annotated[str, Form(pattern="^(confirm|reject)$")],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    category: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Confirm a candidate (a custom vendor; its rows move onto it) or reject it (a
    not-software rule), as the API does; both are audited under the signed-in key."""
    try:
        principal = web_session.principal_from_cookie(request, session, form_token=csrf_token)
    except Forbidden as exc:
        return _error(request, None, exc)
    if principal is None:
        return _to_login(request, "/candidates")
    if not allowed(principal.role, Perm.RULES_WRITE, scoped=principal.scoped):
        return _not_permitted(request, principal, Perm.RULES_WRITE)
    try:
        if decision == "confirm":
            candidate_service.confirm(session, name, principal, category=category or None)
        else:
            candidate_service.reject(session, name, principal)
        session.commit()
    except AppError as exc:
        session.rollback()
        return _error(request, principal, exc)
    done = "confirmed" if decision == "confirm" else "rejected"
    return _redirect("/candidates?" + urlencode({"done": done, "name": name}))
