"""Brex card transactions (Transactions API ``GET /v2/transactions/card/primary``).

Auth is a Brex user token (``Authorization: Bearer``). Pages follow ``next_cursor``; a cursor
seen twice raises :class:`~connectors.http.RepeatedCursorError`. The listing is filtered by
``posted_at_start`` (the window start) and, because Brex has no end filter and no documented
order, rows posted on or after the frozen window end's UTC date are left for the next sync and
only the last page carries a bookmark (the window end).

Amounts come in minor units already. Brex signs them inconsistently across types, so the sign
is taken from the type: purchases and fees leave the company (positive), refunds and
chargebacks come back (negative). Card payments (``COLLECTION``) and rewards are not spend and
are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, ClassVar

import httpx
from pydantic import Field, SecretStr

from connectors.base import Channel, RawTransaction, SyncWindow
from connectors.http import (
    ApiConnector,
    BearerAuth,
    ConnectorConfig,
    ConnectorSecrets,
    CursorGuard,
    Page,
    ProviderProtocolError,
    RecordError,
    Rejected,
    as_list,
    currency_code,
    format_bookmark,
    iso_date,
    optional_str,
    plain,
)

_PATH = "v2/transactions/card/primary"
_OUTGOING = frozenset({"PURCHASE", "BNPL_FEE"})
_INCOMING = frozenset({"REFUND", "CHARGEBACK"})
_NOT_SPEND = frozenset({"COLLECTION", "REWARDS_CREDIT"})


class BrexConfig(ConnectorConfig):
    """Non-secret Brex settings. ``base_url`` defaults to production."""

    base_url: str = "https://platform.brexapis.com"
    page_size: int = Field(default=100, ge=1, le=1000)


class BrexSecrets(ConnectorSecrets):
    """A Brex user token with ``transactions.card.readonly``."""

    api_token: SecretStr


class BrexConnector(ApiConnector[BrexConfig, BrexSecrets]):
    """Brex card transactions, MCC included when Brex gives one."""

    slug: ClassVar[str] = "brex"
    display_name: ClassVar[str] = "Brex"
    Config: ClassVar[type[BrexConfig]] = BrexConfig
    Secrets: ClassVar[type[BrexSecrets]] = BrexSecrets
    lookback: ClassVar[timedelta] = timedelta(days=7)

    def _auth(self) -> httpx.Auth:
        return BearerAuth(self._secrets.api_token)

    def check(self) -> None:
        self._json("GET", _PATH, what="Brex check", params={"limit": 1})

    def fetch(self, window: SyncWindow, bookmark: str | None) -> Iterator[Page]:
        """Card transactions posted from ``window.start`` (all when ``None``) to before the
        UTC date of ``window.end``. ``bookmark`` is not read: the window already holds it."""
        guard = CursorGuard("Brex card transactions")
        params: dict[str, Any] = {"limit": self.config.page_size}
        if window.start is not None:
            params["posted_at_start"] = format_bookmark(window.start)
        end_date = window.end.date()
        while True:
            body = self._json("GET", _PATH, what="Brex card transactions", params=params)
            items = body.get("items")
            if not isinstance(items, list):
                raise ProviderProtocolError("Brex card transactions: the page has no items list")
            transactions: list[RawTransaction] = []
            rejected: list[Rejected] = []
            for item in as_list(items):
                try:
                    mapped = map_card_transaction(item)
                except RecordError as exc:
                    rejected.append(Rejected(optional_str(item.get("id")), str(exc)))
                    continue
                if mapped is not None and (mapped.posted_date or mapped.transaction_date) < (
                    end_date
                ):
                    transactions.append(mapped)
            next_cursor = optional_str(body.get("next_cursor"))
            if next_cursor is None:
                yield Page(transactions, format_bookmark(window.end), rejected)
                return
            params["cursor"] = guard.follow(next_cursor)
            yield Page(transactions, None, rejected)


def map_card_transaction(item: Mapping[str, Any]) -> RawTransaction | None:
    """One Brex ``CardTransaction`` as a :class:`RawTransaction`, or ``None`` when it is not
    spend. Raises :class:`RecordError` when a required field is unreadable."""
    external_id = optional_str(item.get("id"))
    if external_id is None:
        raise RecordError("no id")
    kind = optional_str(item.get("type"))
    if kind in _NOT_SPEND:
        return None
    money = item.get("amount")
    if not isinstance(money, Mapping):
        raise RecordError("no amount")
    minor = money.get("amount")
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise RecordError(f"amount {minor!r} is not an integer of minor units")
    if abs(minor) >= 10**15:
        raise RecordError(f"amount {minor} is out of range")
    currency = currency_code(money.get("currency") or "USD")
    if kind in _OUTGOING:
        minor = abs(minor)
    elif kind in _INCOMING:
        minor = -abs(minor)
    merchant = item.get("merchant")
    merchant = merchant if isinstance(merchant, Mapping) else {}
    description = optional_str(item.get("description"))
    descriptor = optional_str(merchant.get("raw_descriptor")) or description
    if descriptor is None:
        raise RecordError("no merchant descriptor or description")
    mcc = optional_str(merchant.get("mcc"))
    return RawTransaction(
        external_id=external_id,
        transaction_date=iso_date(item.get("initiated_at_date"), "initiated_at_date"),
        posted_date=iso_date(item.get("posted_at_date"), "posted_at_date"),
        amount_minor=minor,
        currency=currency,
        descriptor=descriptor,
        merchant_name=description if description != descriptor else None,
        mcc=mcc if mcc is not None and mcc.isdigit() and len(mcc) == 4 else None,
        channel=Channel.CARD,
        raw=plain(dict(item)),
    )
