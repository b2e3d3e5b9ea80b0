"""Connector secrets are encrypted at rest with Fernet; only the sync job decrypts them."""

from __future__ import annotations

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken

from app.config import ConfigError, get_settings


@lru_cache
def _fernet() -> Fernet:
    key = get_settings().resolve_secret_key()
    try:
        return Fernet(key)
    except ValueError as exc:
        raise ConfigError(
            "SHADOWSPEND_SECRET_KEY is not a valid Fernet key (32 url-safe base64 bytes); "
            "generate one with `shadowspend generate-secret-key`"
        ) from exc


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
            "SHADOWSPEND_SECRET_KEY (was the key changed?)"
        ) from exc
    return {str(k): str(v) for k, v in data.items()}


def reset_cache() -> None:
    _fernet.cache_clear()
