"""From a stored connection to the library's connector: which connectors exist, validating a
connection's config and secrets, and building the connector a sync runs.

The one place both the connections service (refusing a bad config with 422 when it is saved)
and the sync (building the connector when it runs) read, so they cannot disagree.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from app.crypto import decrypt_secrets
from app.models import Connection
from connectors import registry
from connectors.base import ConnectorConfigError

# File sources take uploads; API sources are the connectors library's, pulled by the scheduler.
FILE_CONNECTORS = frozenset({"file", "csv", "ofx", "camt053", "bai2", "mt940", "qif"})
API_CONNECTORS = frozenset(registry.CONNECTORS)
KNOWN_CONNECTORS = FILE_CONNECTORS | API_CONNECTORS | {"demo"}

# Keys the service itself keeps in a connection's config (not passed to the connector).
SERVICE_CONFIG_KEYS = frozenset({"demo", "csv_mapping"})


def secrets_of(row: Connection) -> dict[str, str]:
    """Decrypted secrets, for the sync job only. Never put them in a response or a log."""
    return decrypt_secrets(row.secrets_encrypted)


def _first_error(cls: Any, exc: ValidationError) -> ConnectorConfigError:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return ConnectorConfigError(f"{cls.display_name}: {where}: {first['msg']}")


def _config_for(cls: Any, config: dict[str, Any]) -> Any:
    keys = set(cls.Config.model_fields)
    return cls.Config.model_validate({k: v for k, v in config.items() if k in keys})


def build_connector(connection: Connection, secrets: dict[str, str], **kwargs: Any) -> Any:
    """The library connector for a stored connection; ConnectorConfigError when it cannot be."""
    cls = registry.get(connection.connector)
    try:
        config = _config_for(cls, connection.config or {})
        secret_model = cls.Secrets.model_validate(secrets)
    except ValidationError as exc:
        raise _first_error(cls, exc) from None
    return cls(config, secret_model, **kwargs)


def validate_config(connector: str, config: dict[str, Any], secrets: dict[str, str]) -> None:
    """Raise ConnectorConfigError when an API connection's config or secrets are unusable."""
    if connector not in registry.CONNECTORS:
        return
    cls = registry.get(connector)
    unknown = sorted(set(config) - set(cls.Config.model_fields) - SERVICE_CONFIG_KEYS)
    if unknown:
        known = ", ".join(sorted(cls.Config.model_fields))
        raise ConnectorConfigError(
            f"{cls.display_name}: unknown config {', '.join(unknown)} (known: {known})"
        )
    try:
        _config_for(cls, config)
        cls.Secrets.model_validate(secrets)
    except ValidationError as exc:
        raise _first_error(cls, exc) from None
