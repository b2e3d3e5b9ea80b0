"""Settings, read once from ``SHADOWSPEND_*`` environment variables (the documented contract)."""

from __future__ import annotations

import base64
import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite:///./shadowspend.db"
_PLACEHOLDER_KEYS = {"", "change-me", "changeme", "placeholder", "secret", "xxx", "todo"}
MIN_DISTINCT_KEY_BYTES = 16


class SchedulerMode(StrEnum):
    EMBEDDED = "embedded"  # serve runs the scheduler in-process (single-process deployments)
    EXTERNAL = "external"  # `shadowspend scheduler` runs it as its own process
    OFF = "off"


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHADOWSPEND_", extra="ignore")

    database_url: str = Field(
        default=DEFAULT_SQLITE_URL,
        description="SQLAlchemy URL. Postgres: postgresql+psycopg://user:pass@host/db",
    )
    reporting_currency: str = Field(default="USD", min_length=3, max_length=3)
    secret_key: SecretStr | None = Field(
        default=None,
        description="Fernet key (`shadowspend generate-secret-key`) every other key derives "
        "from: connector-secret encryption, dashboard sessions, CSRF. Generated into "
        "secret_key_file for the embedded SQLite default; required on Postgres.",
    )
    secret_key_file: Path = Path(".shadowspend/secret.key")
    previous_secret_keys: SecretStr | None = Field(
        default=None,
        description="Comma-separated keys replaced by secret_key: they still decrypt stored "
        "connector secrets until `shadowspend rotate-secrets` re-encrypts them",
    )
    log_level: str = "INFO"
    json_logs: bool = False
    scheduler_mode: SchedulerMode = SchedulerMode.EMBEDDED
    sql_echo: bool = False
    ecb_base_url: str = Field(
        default="https://www.ecb.europa.eu/stats/eurofxref/",
        description="Where the ECB's daily reference rates are fetched from",
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Proxies trusted for X-Forwarded-Proto/For (comma list, or *)",
    )
    # The severity model (app.findings.severity): annualised outside-IT spend, in
    # reporting-currency minor units, from which a finding is medium, high and critical
    # (500, 5,000 and 50,000 a year by default) ...
    severity_spend_thresholds: tuple[int, int, int] = Field(
        default=(50_000, 500_000, 5_000_000),
        description="Annualised spend (minor units) from which a finding is medium, high, critical",
    )
    # ... and how many points the other signals may add together (4 points make one label, so
    # at most 4 keeps them to raising a finding one label at most).
    severity_max_signal_points: int = Field(default=2, ge=0, le=4)
    # A vendor first seen this many days ago or less counts as "never seen before".
    new_vendor_days: int = 45
    webhook_url: str | None = Field(
        default=None, description="Slack-compatible webhook for high/critical findings"
    )

    @field_validator("reporting_currency")
    @classmethod
    def _upper(cls, value: str) -> str:
        if not value.isalpha():
            raise ValueError("reporting_currency must be an ISO 4217 code such as USD")
        return value.upper()

    @field_validator("severity_spend_thresholds")
    @classmethod
    def _increasing(cls, value: tuple[int, int, int]) -> tuple[int, int, int]:
        if not 0 < value[0] < value[1] < value[2]:
            raise ValueError("severity_spend_thresholds must be three increasing amounts above 0")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolve_secret_key(self) -> bytes:
        """The service's secret key (a Fernet key, as text bytes), validated by
        :func:`check_secret_key`; generated into ``secret_key_file`` only for embedded SQLite.

        Raises :class:`ConfigError` saying what to set when the key is missing or weak."""
        if self.secret_key is not None:
            return check_secret_key(
                self.secret_key.get_secret_value(), source="SHADOWSPEND_SECRET_KEY"
            )
        if not self.is_sqlite:
            raise ConfigError(
                "SHADOWSPEND_SECRET_KEY is required when the database is not the embedded "
                "SQLite default; generate one with `shadowspend generate-secret-key`"
            )
        path = self.secret_key_file
        if path.exists():
            return check_secret_key(path.read_text(errors="replace"), source=str(path))
        from cryptography.fernet import Fernet

        path.parent.mkdir(parents=True, exist_ok=True)
        key = Fernet.generate_key()
        path.write_bytes(key)
        path.chmod(0o600)
        return key

    def resolve_previous_secret_keys(self) -> list[bytes]:
        """Keys that still decrypt (never encrypt) connector secrets while a rotation is under
        way; each must be a Fernet key (strength is not checked: it is on its way out)."""
        if self.previous_secret_keys is None:
            return []
        values = self.previous_secret_keys.get_secret_value().split(",")
        return [
            check_secret_key(v, source="SHADOWSPEND_PREVIOUS_SECRET_KEYS", strength=False)
            for v in values
            if v.strip()
        ]


def check_secret_key(value: str, *, source: str, strength: bool = True) -> bytes:
    """``value`` as key bytes when it is a real Fernet key (32 url-safe base64 bytes) with the
    spread of a random one: at least :data:`MIN_DISTINCT_KEY_BYTES` different byte values
    among its 32 (a random key has about 30; fewer than 22 did not occur in a million draws).
    Raises :class:`ConfigError` naming ``source`` otherwise."""
    text = value.strip()
    fix = "generate one with `shadowspend generate-secret-key`"
    if text.lower() in _PLACEHOLDER_KEYS:
        raise ConfigError(f"{source} is a placeholder; {fix}")
    try:
        raw = base64.b64decode(text.encode("ascii"), altchars=b"-_", validate=True)
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32 or len(text) != 44:
        raise ConfigError(
            f"{source} is not a Fernet key (44 characters of url-safe base64 encoding 32 "
            f"random bytes); {fix}"
        )
    if strength and len(set(raw)) < MIN_DISTINCT_KEY_BYTES:
        raise ConfigError(
            f"{source} is too weak: its 32 bytes hold only {len(set(raw))} different values, "
            f"so it was not drawn at random; {fix}"
        )
    return text.encode("ascii")


@lru_cache
def get_settings() -> Settings:
    return Settings()


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)
