"""The contract every source of transactions honours.

Units and conventions, for every connector and importer:

* ``amount_minor`` is an integer in the currency's minor units (cents for USD, yen for JPY,
  fils for BHD). **Positive means money leaving the company** (a purchase); a refund or a
  credit is negative. Importers translate each format's own sign convention into this one.
* ``currency`` is an upper-case ISO 4217 code.
* ``transaction_date`` is the calendar date of the purchase as the provider reports it;
  ``posted_date`` the date it settled, when known. Neither carries a time zone.
* ``external_id`` is stable across re-fetches of the same transaction from the same source;
  files without ids get a deterministic hash of the row (see ``stable_id``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Channel(StrEnum):
    """How the money left the company."""

    CARD = "card"
    REIMBURSEMENT = "reimbursement"
    INVOICE = "invoice"


class Kind(StrEnum):
    """What a row is. Only purchases (refunds included, as negative purchases) are spend;
    the others are stored and listed with their kind, and kept out of spend totals."""

    PURCHASE = "purchase"
    PAYMENT = "payment"  # paying the card's bill: money moving to the card, not spend
    TRANSFER = "transfer"  # between the company's own accounts
    INTEREST = "interest"  # interest charged or earned, dividends
    BALANCE = "balance"  # a statement's balance line (opening, closing, balance forward)


@dataclass(frozen=True, slots=True)
class RawTransaction:
    """One transaction as a source reports it, before recognition.

    ``removed`` marks a transaction the provider has withdrawn (Plaid's ``removed``): the
    service deletes or voids the stored row with the same ``external_id``. ``kind`` says
    whether the row is spend at all (see :class:`Kind`).
    """

    external_id: str
    transaction_date: date
    amount_minor: int
    currency: str
    descriptor: str
    posted_date: date | None = None
    merchant_name: str | None = None
    mcc: str | None = None
    memo: str | None = None
    channel: Channel = Channel.CARD
    cardholder_external_id: str | None = None
    cardholder_name: str | None = None
    cardholder_email: str | None = None
    department_name: str | None = None
    card_last4: str | None = None
    removed: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict)
    kind: Kind = Kind.PURCHASE


RAW_TRANSACTION_FIELDS = (
    "external_id",
    "transaction_date",
    "amount_minor",
    "currency",
    "descriptor",
    "posted_date",
    "merchant_name",
    "mcc",
    "memo",
    "channel",
    "cardholder_external_id",
    "cardholder_name",
    "cardholder_email",
    "department_name",
    "card_last4",
    "removed",
    "raw",
    "kind",
)
"""The order of :class:`RawTransaction`'s fields, part of the contract: importers on a hot path
construct it positionally (half the cost of keywords at a million rows), so a new field goes
last, with a default, and existing ones never move."""
if tuple(f.name for f in fields(RawTransaction)) != RAW_TRANSACTION_FIELDS:  # pragma: no cover
    raise ImportError("RawTransaction's fields moved; positional constructions depend on them")


@dataclass(frozen=True, slots=True)
class SyncWindow:
    """The half-open time window ``[start, end)`` a sync asks a source for.

    ``end`` is frozen when the sync starts so rows posted during a long sync are picked up by
    the next run rather than half-read by this one. Both are timezone-aware UTC.
    """

    start: datetime | None
    end: datetime


class ConnectorError(Exception):
    """Base of every error a connector raises."""


class ConnectorConfigError(ConnectorError):
    """A human must act (bad credentials, wrong base URL, missing scope). Never retried."""


class ConnectorTransientError(ConnectorError):
    """Worth retrying later: HTTP 429, 5xx, timeouts, dropped connections.

    ``retry_after`` is the provider's Retry-After in seconds, when it sent one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def stable_id(*parts: object) -> str:
    """A deterministic id for a row that has none of its own (file imports).

    The same inputs always give the same id, so re-importing a file adds nothing.
    """
    digest = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode())
    return digest.hexdigest()[:32]
