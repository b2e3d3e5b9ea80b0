"""Connector secrets are encrypted at rest with Fernet; only the sync job decrypts them.

They are encrypted under a key derived from the service's secret key
(:data:`app.keys.Purpose.SECRETS`). Decryption also accepts, in order: the secret key itself
(how secrets stored before key derivation were encrypted) and each of
``SHADOWSPEND_PREVIOUS_SECRET_KEYS`` (derived, then as it is), so a key rotation is: set the
new key, list the old one as previous, run ``shadowspend rotate-secrets``, drop the old one.
"""

from __future__ import annotations

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from app import keys
from app.config import ConfigError, get_settings


@lru_cache
def _fernet() -> MultiFernet:
    settings = get_settings()
    current = settings.resolve_secret_key()
    accepted = [current, *settings.resolve_previous_secret_keys()]
    # The first encrypts; every one decrypts.
    chain = [Fernet(k) for master in accepted for k in (keys.fernet_key(master), master)]
    return MultiFernet(chain)


def encrypt_secrets(values: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(values).encode()).decode()


def decrypt_secrets(token: str | None) -> dict[str, str]:
    if not token:
        return {}
    try:
        data = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ConfigError(
            "stored connector secrets cannot be decrypted with the configured "
            "SHADOWSPEND_SECRET_KEY (was the key changed? list the old one in "
            "SHADOWSPEND_PREVIOUS_SECRET_KEYS)"
        ) from exc
    return {str(k): str(v) for k, v in data.items()}


def reencrypt(token: str) -> str:
    """``token`` encrypted under the current key (whichever accepted key it was under).
    Raises :class:`ConfigError` when no accepted key decrypts it."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ConfigError("a stored secret cannot be decrypted with any accepted key") from exc


def reset_cache() -> None:
    _fernet.cache_clear()
    keys.current.cache_clear()
