"""API keys: random, shown once, stored as a hash; looked up by a clear prefix.

A key that verified is remembered in-process for a few seconds (hash -> principal), so a busy
client costs no database read per request. Revoking a key forgets every remembered key in the
process that revoked it, at once; other worker processes stop accepting it within
``CACHE_TTL`` seconds. The last-used time is written at most once a minute per key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.db import utcnow
from app.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from app.models import ApiKey, Department, Role

KEY_PREFIX = "ssk"
_LAST_USED_RESOLUTION = timedelta(seconds=60)
CACHE_TTL = 2.0  # seconds another worker may still accept a key revoked elsewhere
_CACHE_MAX = 1024


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's id, name, role and optional department scope."""

    key_id: int | None
    name: str
    role: Role
    department_id: int | None = None

    @property
    def scoped(self) -> bool:
        return self.department_id is not None

    def department_filter(self, requested: int | None) -> int | None:
        """The department a list is narrowed to: a scoped key's own (asking for another one is
        :class:`~app.errors.Forbidden`); for an unscoped key, what it asked for (None: all)."""
        if not self.scoped:
            return requested
        if requested is not None and requested != self.department_id:
            raise Forbidden("this key is scoped to another department")
        return self.department_id


SYSTEM = Principal(key_id=None, name="system", role=Role.ADMIN)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class _VerifiedKeys:
    """Verified key hash -> (principal, monotonic expiry). ``generation`` moves on every
    revocation, so a lookup that raced a revocation never stores what it read before it."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._lock = threading.Lock()
        self.generation = 0

    def get(self, key_hash: str) -> Principal | None:
        hit = self._entries.get(key_hash)
        if hit is None or hit[1] < time.monotonic():
            return None
        return hit[0]

    def put(self, key_hash: str, principal: Principal, generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return
            if len(self._entries) >= _CACHE_MAX:
                now = time.monotonic()
                self._entries = {k: v for k, v in self._entries.items() if v[1] >= now}
                if len(self._entries) >= _CACHE_MAX:
                    self._entries.clear()
            self._entries[key_hash] = (principal, time.monotonic() + CACHE_TTL)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries = {}


_verified = _VerifiedKeys()


def cached_principal(clear: str) -> Principal | None:
    """The principal of a key verified less than ``CACHE_TTL`` seconds ago here, else None.
    No database access: callers fall back to :func:`authenticate` on None."""
    return _verified.get(_hash(clear))


def forget_verified_keys() -> None:
    """Drop every remembered key (a revocation; tests)."""
    _verified.clear()


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
    clear = f"{KEY_PREFIX}_{ident}_{secret}"
    row = ApiKey(
        name=name,
        prefix=f"{KEY_PREFIX}_{ident}",
        key_hash=_hash(clear),
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


def authenticate(session: Session, clear: str) -> Principal:
    """Resolve a bearer key to its principal, recording its last use (at minute resolution),
    and remember it for :func:`cached_principal`."""
    parts = clear.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        raise Unauthorized("the API key is not valid")
    prefix = f"{parts[0]}_{parts[1]}"
    generation = _verified.generation
    key_hash = _hash(clear)
    row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
    if row is None or not hmac.compare_digest(row.key_hash, key_hash):
        raise Unauthorized("the API key is not valid")
    if row.revoked_at is not None:
        raise Unauthorized("the API key was revoked")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > _LAST_USED_RESOLUTION:
        row.last_used_at = now  # the caller's unit of work commits it
        session.add(row)
    assert row.id is not None
    principal = Principal(
        key_id=row.id, name=row.name, role=Role(row.role), department_id=row.department_id
    )
    _verified.put(key_hash, principal, generation)
    return principal


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
    forget_verified_keys()  # before the commit: no request here accepts it from now on
    audit_service.record(session, actor, "api_key.revoked", "api_key", key_id)
    return row
