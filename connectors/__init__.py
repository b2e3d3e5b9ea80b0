"""Sources of card and expense transactions.

A pure library: it turns a provider's API or a statement file into
:class:`connectors.base.RawTransaction` records. It never touches the database, the
service's settings or anything under ``app``.

* :mod:`connectors.files` — statement files (CSV presets and mappings, OFX/QFX, CAMT.053, BAI2).
* :mod:`connectors.registry` — the API connectors by slug (Ramp, Plaid, Brex, Xero), built on
  :mod:`connectors.http`.
"""

from connectors.base import (
    Channel,
    ConnectorConfigError,
    ConnectorError,
    ConnectorTransientError,
    RawTransaction,
    SyncWindow,
)
from connectors.http import (
    Page,
    ProviderProtocolError,
    Rejected,
    RepeatedCursorError,
    RetryPolicy,
)

__all__ = [
    "Channel",
    "ConnectorConfigError",
    "ConnectorError",
    "ConnectorTransientError",
    "Page",
    "ProviderProtocolError",
    "RawTransaction",
    "Rejected",
    "RepeatedCursorError",
    "RetryPolicy",
    "SyncWindow",
]
