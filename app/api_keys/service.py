"""API keys as a resource: create (the clear key is shown once), list, revoke. Each change is
audited; verifying a key on a request is :mod:`app.auth.service`'s.
"""

from __future__ import annotations

import secrets

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth import service as auth_service
from app.auth.principal import SYSTEM, Principal
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.models import ApiKey, Department, Role


def create_key(
    session: Session,
    *,
    name: str,
    role: Role | str,
    department_id: int | None = None,
    actor: Principal = SYSTEM,
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the clear key, which is never stored."""
    try:
        role = Role(role)
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise Unprocessable(f"unknown role {role!r}; expected one of {allowed}") from None
    if department_id is not None and session.get(Department, department_id) is None:
        raise NotFound(f"department {department_id} does not exist")
    ident = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    clear = f"{auth_service.KEY_PREFIX}_{ident}_{secret}"
    row = ApiKey(
        name=name,
        prefix=f"{auth_service.KEY_PREFIX}_{ident}",
        key_hash=auth_service.hash_key(clear),
        role=role.value,
        department_id=department_id,
    )
    session.add(row)
    session.flush()
    audit_service.record(
        session,
        actor,
        "api_key.created",
        "api_key",
        row.id,
        after={"name": name, "role": role.value, "department_id": department_id},
    )
    return row, clear


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.id))))


def revoke(session: Session, key_id: int, actor: Principal) -> ApiKey:
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFound(f"API key {key_id} does not exist")
    if row.revoked_at is not None:
        raise Conflict(f"API key {key_id} is already revoked")
    if actor.key_id == key_id:
        raise Unprocessable("a key cannot revoke itself")
    row.revoked_at = utcnow()
    session.add(row)
    auth_service.forget_verified_keys()  # before the commit: no request here accepts it from now on
    audit_service.record(session, actor, "api_key.revoked", "api_key", key_id)
    return row
