"""API keys: random, shown once, stored as a hash; looked up by a clear prefix.

A key that verified is remembered in-process for a few seconds (hash -> principal), so a busy
client costs no database read per request. Revoking a key forgets every remembered key in the
process that revoked it, at once; other worker processes stop accepting it within
``CACHE_TTL`` seconds. The last-used time is written at most once a minute per key.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from datetime import timedelta

from sqlmodel import Session, select

from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Unauthorized
from app.models import ApiKey, Role

KEY_PREFIX = "ssk"
_LAST_USED_RESOLUTION = timedelta(seconds=60)
CACHE_TTL = 2.0  # seconds another worker may still accept a key revoked elsewhere
_CACHE_MAX = 1024


def hash_key(key: str) -> str:
    """What is stored of a key (and what the cache is keyed by): its SHA-256, hex."""
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
    return _verified.get(hash_key(clear))


def forget_verified_keys() -> None:
    """Drop every remembered key (a revocation; tests)."""
    _verified.clear()


def authenticate(session: Session, clear: str) -> Principal:
    """Resolve a bearer key to its principal, recording its last use (at minute resolution),
    and remember it for :func:`cached_principal`."""
    parts = clear.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        raise Unauthorized("the API key is not valid")
    prefix = f"{parts[0]}_{parts[1]}"
    generation = _verified.generation
    key_hash = hash_key(clear)
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
