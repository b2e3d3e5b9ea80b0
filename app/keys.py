"""One derived key per use of the service's secret key (HKDF-SHA256, RFC 5869).

The configured key (:meth:`~app.config.Settings.resolve_secret_key`) is never used directly:
each use gets its own 32-byte key, derived with a context string naming that use, so knowing
one (a CSRF token's MAC, say) says nothing about another or about the key itself. A new use
takes a new :class:`Purpose`; changing a purpose's context (its ``/v1``) invalidates what was
made under it (sessions, CSRF tokens, encrypted secrets), so it never changes silently.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import get_settings


class Purpose(StrEnum):
    SESSION = "shadowspend/dashboard-session/v1"  # keyed hash of session tokens at rest
    CSRF = "shadowspend/dashboard-csrf/v1"  # CSRF tokens bound to a session
    SECRETS = "shadowspend/connector-secrets/v1"  # Fernet key of connector secrets


def derive(master: bytes, purpose: Purpose) -> bytes:
    """The 32-byte key for ``purpose`` under ``master`` (the secret key's text bytes)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.value.encode()
    ).derive(master)


def fernet_key(master: bytes) -> bytes:
    """``master``'s key for connector secrets, in Fernet's url-safe base64 form."""
    return base64.urlsafe_b64encode(derive(master, Purpose.SECRETS))


@lru_cache(maxsize=len(Purpose))
def current(purpose: Purpose) -> bytes:
    """``purpose``'s key under the configured secret key (settings are read once a process)."""
    return derive(get_settings().resolve_secret_key(), purpose)
