"""Sources of card and expense transactions.

A pure library: it turns a provider's API or a statement file into
:class:`connectors.base.RawTransaction` records. It never touches the database, the
service's settings or anything under ``app``.
"""

from connectors.base import (
    Channel,
    ConnectorConfigError,
    ConnectorError,
    ConnectorTransientError,
    RawTransaction,
    SyncWindow,
)

__all__ = [
    "Channel",
    "ConnectorConfigError",
    "ConnectorError",
    "ConnectorTransientError",
    "RawTransaction",
    "SyncWindow",
]
