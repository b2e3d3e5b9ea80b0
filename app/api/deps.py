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

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ssk_...`")


def _authenticate(session: Session, clear: str) -> Principal:
    principal = auth_service.authenticate(session, clear)
    try:
        # Ends the short auth transaction (with the last-used time, when it moved): the
        # route starts its own, so no lock is held while it validates its input.
        session.commit()
    except OperationalError:
        session.rollback()  # last-used time is best effort, never worth failing a request
    return principal


async def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        cookie_principal = await run_in_threadpool(cookie.principal_from_cookie, request, session)
        if cookie_principal is not None:
            request.state.principal = cookie_principal
            return cookie_principal
        raise Unauthorized("send an API key as `Authorization: Bearer <key>`")
    principal = auth_service.cached_principal(credentials.credentials)
    if principal is None:
        principal = await run_in_threadpool(_authenticate, session, credentials.credentials)
    request.state.principal = principal
    return principal


class PermissionDependency:
    """``Depends(require(Perm.X))``: the caller must hold a role the permission table allows."""

    def __init__(self, permission: Perm) -> None:
        self.permission = permission

    async def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not allowed(principal.role, self.permission):
            raise Forbidden(
                f"the {principal.role.value} role may not {self.permission.value.replace(':', ' ')}"
            )
        if principal.scoped and SCOPES[self.permission] is Scope.UNSCOPED_ONLY:
            raise Forbidden(
                f"{self.permission.value} spans departments; use a key without a department scope"
            )
        return principal


def require(permission: Perm) -> PermissionDependency:
    return PermissionDependency(permission)
