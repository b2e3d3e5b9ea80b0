"""The caller of an API route is authorised before a byte of its body is read.

FastAPI reads (and parses) a route's body before it solves the route's dependencies, so a
route's own ``Depends(require(...))`` ran only after a JSON body of up to the 50 MB cap was
read and decoded, even for a credential that turned out to be invalid.
:class:`~app.api.body_limit.BodyLimitMiddleware` therefore hands the app a ``receive`` that
calls :func:`authorise` when the body is first pulled: by then the router has chosen the route
(``scope["route"]``), and nothing of the body has been read. It runs the route's checks from
the headers alone: the one permission the route declares (every route under /api/v1 declares
exactly one), the caller (a Bearer key, or a dashboard session cookie with its CSRF token on a
write) and the permission table. A refusal is answered without reading the body; an accepted
principal is kept on the request, so the route's own dependency does not look it up again.

The session for the key lookup is the app's own ``get_session`` dependency, or the override
installed in its place (``app.dependency_overrides``, as tests do: an override here is a
callable taking no argument and returning a :class:`~sqlmodel.Session`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi.routing import APIRoute
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Scope

from app.api import deps
from app.api.problems import app_error_response
from app.auth.permissions import Perm
from app.db import get_engine, read_only_bind
from app.errors import AppError


def route_permission(route: APIRoute) -> Perm | None:
    """The permission ``route`` declares (a :class:`~app.api.deps.PermissionDependency`
    anywhere among its dependencies), or None for a route that declares none."""
    # A walk over a handful of nodes, once per request that has a body.
    found: list[Perm] = []

    def walk(dependant: Any) -> None:
        if isinstance(dependant.call, deps.PermissionDependency):
            found.append(dependant.call.permission)
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return found[0] if len(found) == 1 else None


@asynccontextmanager
async def auth_session(scope: Scope) -> AsyncIterator[Session]:
    """A session to check the caller with before the route runs: the app's own, or the
    override installed for ``get_session`` (see the module's docstring)."""
    overrides: dict[Callable[..., Any], Callable[..., Any]] = getattr(
        scope.get("app"), "dependency_overrides", {}
    )
    override = overrides.get(deps.get_session)
    if override is not None:
        yield override()
        return
    # Only reads, on its own connection, while the route's session may already hold SQLite's
    # write lock (a form read by a dependency that follows the route's session): a DEFERRED
    # transaction reads beside that writer (WAL) where an IMMEDIATE one would wait for it, and
    # nothing is flushed (a key's last-used stamp is the route's own unit of work to write).
    session = Session(read_only_bind(get_engine()), expire_on_commit=False, autoflush=False)
    try:
        yield session
    finally:
        await run_in_threadpool(session.close)


async def authorise(scope: Scope) -> Response | None:
    """Check the caller of the API route the router chose for ``scope`` against the route's
    permission, from the headers alone. Returns the problem response to send (401, 403), or
    None to go on (also for a route that declares no permission)."""
    route = scope.get("route")
    permission = route_permission(route) if isinstance(route, APIRoute) else None
    if permission is None:
        return None
    request = Request(scope, receive=_no_body)
    try:
        async with auth_session(scope) as session:
            bearer = await deps.bearer_scheme(request)
            principal = await deps.resolve_principal(request, session, bearer)
        deps.check_permission(principal, permission)
    except AppError as exc:
        # The body is left unread: the client is asked to close.
        return app_error_response(exc, request, headers={"Connection": "close"})
    return None


async def _no_body() -> Message:
    # Nothing here reads the body; should anything try, it sees a client that went away.
    return {"type": "http.disconnect"}
