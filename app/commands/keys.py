"""`shadowspend create-api-key`, `generate-secret-key` and `rotate-secrets`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.api_keys import service as api_keys_service
from app.auth import service as auth_service
from app.connections import service as connection_service
from app.db import unit_of_work
from app.departments import service as department_service
from app.errors import AppError, NotFound, Unprocessable
from app.models import Role


@dataclass(frozen=True, kw_only=True, slots=True)
class ApiKeyMade:
    clear: str  # the key itself, shown once
    reused: bool  # the one saved in ``keep_in`` still worked
    key_id: int | None = None  # the new key's row (None when reused)


def check_key_request(role: str, department: str | None, all_departments: bool) -> None:
    """Refuses a role that does not exist and a scope that is not said clearly."""
    if role not in {r.value for r in Role}:
        raise Unprocessable(
            f"unknown role {role!r}; expected one of {', '.join(r.value for r in Role)}"
        )
    if department and all_departments:
        raise Unprocessable("give --department or --all-departments, not both")
    if role == Role.MARKETING and not department and not all_departments:
        # A business team's key silently seeing every department was a surprise: ask.
        raise Unprocessable(
            "a marketing key is for one department: give --department NAME "
            "(or --all-departments for a key that sees every department)"
        )


def create_api_key(
    engine: Engine,
    *,
    role: str,
    name: str,
    department: str | None = None,
    all_departments: bool = False,
    keep_in: Path | None = None,
) -> ApiKeyMade:
    """A key with ``role`` (scoped to ``department`` by name). With ``keep_in``, the key
    saved there is reused while it still works with this role and scope; otherwise the new
    key is saved there, readable by its owner alone."""
    check_key_request(role, department, all_departments)
    with unit_of_work(engine) as session:
        department_id = None
        if department:
            dept = department_service.by_name(session, department)
            if dept is None:
                raise NotFound(f"no department named {department!r}")
            department_id = dept.id
        kept = kept_key(session, keep_in, role, department_id)
        if kept is not None:
            return ApiKeyMade(clear=kept, reused=True)
        row, clear = api_keys_service.create_key(
            session, name=name, role=role, department_id=department_id
        )
    if keep_in is not None:
        keep_in.parent.mkdir(parents=True, exist_ok=True)
        # Created owner-only before the key is written: never readable by others, even briefly.
        fd = os.open(keep_in, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(clear + "\n")
    return ApiKeyMade(clear=clear, reused=False, key_id=row.id)


def kept_key(
    session: Session, path: Path | None, role: str, department_id: int | None
) -> str | None:
    """The key saved in ``path`` when it still authenticates with this role and scope."""
    if path is None or not path.is_file():
        return None
    saved = path.read_text(encoding="utf-8").strip()
    try:
        principal = auth_service.authenticate(session, saved)
    except AppError:
        return None  # revoked, or from another database: a new one replaces it
    if principal.role.value != role or principal.department_id != department_id:
        return None
    return saved


def new_secret_key() -> str:
    """A new key for SHADOWSPEND_SECRET_KEY."""
    return Fernet.generate_key().decode()


def rotate_secrets(engine: Engine) -> int:
    """Re-encrypt every connection's secrets under the current key; how many."""
    with unit_of_work(engine) as session:
        return connection_service.reencrypt_all(session)
