"""Signing in with an API key (exchanged for a session cookie) and out."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from app.api.deps import SessionDep
from app.auth import cookie as web_session
from app.auth import service as auth_service
from app.dashboard.render import error_page, render, safe_next, viewer
from app.errors import Forbidden, Unauthorized

router = APIRouter(include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    session: SessionDep,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    if viewer(request, session) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    token = request.cookies.get(web_session.CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "login.html", None, next=safe_next(next), csrf_token=token)
    web_session.set_login_csrf(response, request, token)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Exchange an API key for a session cookie (the key is never stored in the browser)."""
    target = safe_next(next)
    cookie_token = request.cookies.get(web_session.CSRF_COOKIE, "")
    if not web_session.same_origin(request) or not (
        csrf_token and secrets.compare_digest(csrf_token, cookie_token)
    ):
        fresh = secrets.token_urlsafe(24)
        response = render(
            request,
            "login.html",
            None,
            status_code=403,
            next=target,
            csrf_token=fresh,
            error="The sign-in form expired or came from another site. Please try again.",
        )
        web_session.set_login_csrf(response, request, fresh)
        return response
    try:
        principal = auth_service.authenticate(session, api_key.strip())
    except Unauthorized as exc:
        response = render(
            request,
            "login.html",
            None,
            status_code=401,
            next=target,
            csrf_token=cookie_token,
            error=f"Sign-in failed: {exc.detail}.",
        )
        return response
    assert principal.key_id is not None
    token = web_session.start(session, principal.key_id)
    session.commit()  # the session, and the key's last-used time
    redirect = RedirectResponse(target, status_code=303)
    web_session.set_session(redirect, request, token)
    redirect.headers["Cache-Control"] = "no-store"
    return redirect


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sign out (a form post carrying the CSRF token, so another site cannot sign you out)."""
    try:
        principal = web_session.principal_from_cookie(request, session, form_token=csrf_token)
    except Forbidden as exc:
        return error_page(request, None, exc)
    response = RedirectResponse("/login", status_code=303)
    token = request.cookies.get(web_session.SESSION_COOKIE)
    if principal is not None and token:
        web_session.end(session, token)  # the session ends now, not when its cookie expires
        session.commit()
    if principal is not None or token:
        web_session.clear_session(response, request)
    return response
