"""Dependencies every route shares: the session (its unit of work) and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from app.auth import service as auth_service
from app.auth.permissions import Perm, allowed
from app.auth.service import Principal
from app.db import get_engine
from app.errors import Forbidden, Unauthorized


def get_session() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


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
    if session.dirty:
        session.commit()  # last-used time
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
