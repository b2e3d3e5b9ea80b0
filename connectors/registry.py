"""The API connectors by slug.

``get(slug)`` returns the connector class; every class exposes ``slug``, ``display_name``,
``Config`` and ``Secrets`` (pydantic models: validate the stored JSON with
``Cls.Config.model_validate(...)``), ``lookback`` (a :class:`datetime.timedelta`) and is built
as ``Cls(config, secrets, transport=None)``. See :mod:`connectors.http` for the contract.
"""

from __future__ import annotations

from typing import Any

from connectors.base import ConnectorConfigError
from connectors.brex import BrexConnector
from connectors.http import ApiConnector
from connectors.plaid import PlaidConnector
from connectors.ramp import RampConnector
from connectors.xero import XeroConnector

ConnectorClass = type[ApiConnector[Any, Any]]

#: Slug -> connector class. Treat as read-only.
CONNECTORS: dict[str, ConnectorClass] = {
    cls.slug: cls for cls in (RampConnector, PlaidConnector, BrexConnector, XeroConnector)
}


def get(slug: str) -> ConnectorClass:
    """The connector class for ``slug``; :class:`ConnectorConfigError` when there is none."""
    try:
        return CONNECTORS[slug]
    except KeyError:
        known = ", ".join(sorted(CONNECTORS))
        raise ConnectorConfigError(f"unknown connector {slug!r} (known: {known})") from None
