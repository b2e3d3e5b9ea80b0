"""A console form posted without a live session is sent to sign-in before its body is read.

FastAPI reads a form route's body (up to the 50 MB cap) before the route can ask who is
calling, so a signed-out post had its whole body read only to be redirected. This gate is
handed to :class:`~app.api.body_limit.BodyLimitMiddleware`, which asks it when the body is
first pulled: the route is chosen by then, and nothing of the body is read. It applies to
every console route that takes a post (every route outside ``/api/`` with a method other
than GET/HEAD/OPTIONS) except those in :data:`SIGNED_OUT_FORMS` (signing in itself).

The redirect brings the person back to the page the form was on, and it is worked out from
the request alone, never from the form: the ``Referer`` when it is this site's, else the page
nearest the form's address (``/findings/12/decision`` -> ``/findings/12``,
``/candidates/decision`` -> ``/candidates``). A form's address is often POST-only (a refused
form is shown again at it), so a Referer naming one is walked up the same way.

Whether the session is live is all that is checked here (the CSRF token and the role need
the form, and a signed-in caller may send it): the route checks the rest as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import compile_path
from starlette.types import Message, Scope

from app.api.authorise_first import auth_session
from app.auth import cookie as web_session
from app.dashboard import signin
from app.dashboard.render import safe_next, to_login

# Console routes that take a post from someone not signed in: the gate lets them read it.
SIGNED_OUT_FORMS: frozenset[Callable[..., Any]] = frozenset({signin.login})
_API = "/api/"
_SAFE = web_session.SAFE_METHODS


def is_console_form(path: str, route: object) -> bool:
    """Whether a post to ``path``, routed to ``route``, needs a live session before its body
    is read: a console route (not under ``/api/``) taking a state-changing method, other
    than :data:`SIGNED_OUT_FORMS`."""
    return (
        isinstance(route, APIRoute)
        and not path.startswith(_API)
        and bool(set(route.methods or ()) - _SAFE)
        and route.endpoint not in SIGNED_OUT_FORMS
    )


async def signed_in_first(scope: Scope) -> Response | None:
    """The sign-in redirect for a console form posted without a live session (clearing a
    dead session cookie), or None to let the route read its body."""
    if not is_console_form(scope["path"], scope.get("route")):
        return None
    request = Request(scope, receive=_no_body)
    token = request.cookies.get(web_session.SESSION_COOKIE)
    if token:
        async with auth_session(scope) as session:
            key = await run_in_threadpool(web_session.signed_in_key, session, token)
        if key is not None:
            return None
    response = to_login(request, return_page(request))
    if token:
        web_session.clear_session(response, request)  # ended, expired or revoked: drop it
    response.headers["Connection"] = "close"  # the body is left unread
    return response


def return_page(request: Request) -> str:
    """The page to come back to after signing in, from the request's address and headers."""
    referer = request.headers.get("referer")
    if referer:
        sent = urlsplit(referer)
        if sent.netloc.lower() == request.url.netloc.lower() and sent.path.startswith("/"):
            page = nearest_page(request.app, sent.path)
            if page == sent.path and sent.query:
                page += "?" + sent.query
            return safe_next(page)
    return safe_next(nearest_page(request.app, request.url.path))


def nearest_page(app: Any, path: str) -> str:
    """``path`` when the console shows a page there (a GET route outside ``/api/`` whose
    path parameters are valid), else the nearest parent that does, else ``/``."""
    pages = list(_console_pages(app))
    candidate = path.rstrip("/") or "/"
    while candidate != "/":
        if any(_shows(route, regex, candidate) for route, regex in pages):
            return candidate
        candidate = candidate.rsplit("/", 1)[0] or "/"
    return "/"


def _console_pages(app: Any) -> Iterator[tuple[APIRoute, Any]]:
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        path = context.path
        if not isinstance(route, APIRoute) or "GET" not in (route.methods or ()):
            continue
        if path and not path.startswith(_API):
            yield route, compile_path(path)[0]


def _shows(route: APIRoute, regex: Any, path: str) -> bool:
    matched = regex.fullmatch(path)
    if matched is None:
        return False
    # ``/findings/{finding_id}`` matches ``/findings/bulk-decision`` by its pattern; only a
    # value its parameter accepts names a page.
    for field in route.dependant.path_params:
        value = matched.groupdict().get(field.alias, matched.groupdict().get(field.name))
        _, errors = field.validate(value, {}, loc=("path", field.alias))
        if errors:
            return False
    return True


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
