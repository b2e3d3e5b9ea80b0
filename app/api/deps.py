"""Dependencies every route shares: the session (its unit of work) and the caller.

They are ``async`` on purpose: FastAPI runs a sync dependency in the thread pool, and each hop
there costs more than the work these do when nothing needs the database (a session not yet
used, a key verified a moment ago, a role check). What does touch the database still runs in
the thread pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.auth import cookie
from app.auth import service as auth_service
from app.auth.permissions import SCOPES, Perm, Scope, allowed
from app.auth.principal import Principal
from app.db import get_engine, read_only_bind
from app.errors import Forbidden, Unauthorized

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@lru_cache(maxsize=8)
def _read_only(engine: Engine) -> Engine:
    # One options view per engine, not one per request (building it is not free).
    return read_only_bind(engine)


async def get_session(request: Request) -> AsyncIterator[Session]:
    # Creating a session touches no database; it takes a connection on first use (in the
    # route's thread). Closing one that still holds a connection rolls back: a round trip,
    # so it goes to the thread pool; one that holds none (never used, or committed) closes
    # here.
    engine = get_engine()
    bind = _read_only(engine) if request.method in _READ_METHODS else engine
    session = Session(bind, expire_on_commit=False)
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


def get_read_session() -> Iterator[Session]:
    """For POST routes that only read (e.g. /classify): no up-front write lock."""
    with Session(read_only_bind(get_engine()), expire_on_commit=False) as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(get_read_session)]


SessionDep = Annotated[Session, Depends(get_session)]

bearer_scheme = HTTPBearer(
    auto_error=False, description="An API key: `Authorization: Bearer ssk_...`"
)


def _authenticate(session: Session, clear: str) -> Principal:
    principal = auth_service.authenticate(session, clear)
    try:
        # Ends the short auth transaction (with the last-used time, when it moved): the
        # route starts its own, so no lock is held while it validates its input.
        session.commit()
    except OperationalError:
        session.rollback()  # last-used time is best effort, never worth failing a request
    return principal


async def resolve_principal(
    request: Request, session: Session, bearer: HTTPAuthorizationCredentials | None
) -> Principal:
    """The caller of ``request``: its Bearer key's principal, else its dashboard session's
    (raises :class:`~app.errors.Unauthorized` for neither, :class:`~app.errors.Forbidden` for
    a cookie-signed write without its CSRF token). Reads headers only, never the body.

    A principal already established for this request (before its body was read, see
    :mod:`app.api.authorise_first`) is returned as it is."""
    known = getattr(request.state, "principal", None)
    if isinstance(known, Principal):
        return known
    if bearer is None or bearer.scheme.lower() != "bearer":
        cookie_principal = await run_in_threadpool(cookie.principal_from_cookie, request, session)
        if cookie_principal is None:
            raise Unauthorized("send an API key as `Authorization: Bearer <key>`")
        principal = cookie_principal
    else:
        cached = auth_service.cached_principal(bearer.credentials)
        if cached is None:
            cached = await run_in_threadpool(_authenticate, session, bearer.credentials)
        principal = cached
    request.state.principal = principal
    return principal


async def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    return await resolve_principal(request, session, credentials)


def check_permission(principal: Principal, permission: Perm) -> None:
    """Raises :class:`~app.errors.Forbidden` unless ``principal`` may use ``permission``: its
    role is in the permission table, and a department-scoped key is not refused it."""
    if not allowed(principal.role, permission):
        raise Forbidden(
            f"the {principal.role.value} role may not {permission.value.replace(':', ' ')}"
        )
    if principal.scoped and SCOPES[permission] is Scope.UNSCOPED_ONLY:
        raise Forbidden(
            f"{permission.value} spans departments; use a key without a department scope"
        )


class PermissionDependency:
    """``Depends(require(Perm.X))``: the caller must hold a role the permission table allows."""

    def __init__(self, permission: Perm) -> None:
        self.permission = permission

    async def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        check_permission(principal, self.permission)
        return principal


def require(permission: Perm) -> PermissionDependency:
    return PermissionDependency(permission)
