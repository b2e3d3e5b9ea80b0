"""Dependencies every route shares: the session (its unit of work) and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.permissions import Perm, allowed
from app.auth.service import Principal
from app.db import get_engine, read_only_bind
from app.errors import Forbidden, Unauthorized

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    engine = get_engine()
    bind = read_only_bind(engine) if request.method in _READ_METHODS else engine
    with Session(bind, expire_on_commit=False) as session:
        yield session


def get_read_session() -> Iterator[Session]:
    """For POST routes that only read (e.g. /classify): no up-front write lock."""
    with Session(read_only_bind(get_engine()), expire_on_commit=False) as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(get_read_session)]


SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer ssk_...`")


def get_principal(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        from app.dashboard.session import principal_from_cookie

        cookie_principal = principal_from_cookie(request, session)
        if cookie_principal is not None:
            request.state.principal = cookie_principal
            return cookie_principal
        raise Unauthorized("send an API key as `Authorization: Bearer <key>`")
    principal = auth_service.authenticate(session, credentials.credentials)
    try:
        # Ends the short auth transaction (with the last-used time, when it moved): the
        # route starts its own, so no lock is held while it validates its input.
        session.commit()
    except OperationalError:
        session.rollback()  # last-used time is best effort, never worth failing a request
    request.state.principal = principal
    return principal


class PermissionDependency:
    """``Depends(require(Perm.X))``: the caller must hold a role the permission table allows."""

    def __init__(self, permission: Perm) -> None:
        self.permission = permission

    def __call__(self, principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not allowed(principal.role, self.permission):
            raise Forbidden(
                f"the {principal.role.value} role may not {self.permission.value.replace(':', ' ')}"
            )
        return principal


def require(permission: Perm) -> PermissionDependency:
    return PermissionDependency(permission)
