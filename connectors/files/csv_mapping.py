"""CSV column mappings: which column holds what, and a mapping resolved against a header.

See :class:`CsvMapping` for the fields; :func:`_plan` turns a mapping and a header row into
column indices. Header names are compared by :func:`_norm`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from connectors.base import Channel
from connectors.files.csv_words import fold

Columns = tuple[str, ...]

# The mapping's column fields besides the required date and descriptor (one list for its
# validator and for resolving a header).
_OPTIONAL_COLUMNS = (
    "amount",
    "debit",
    "credit",
    "direction",
    "posted_date",
    "merchant_name",
    "currency",
    "mcc",
    "memo",
    "cardholder_name",
    "cardholder_email",
    "cardholder_id",
    "department",
    "card_last4",
    "id",
    "reimbursable",
    "kind",
    "status",
)


class CsvMapping(BaseModel):
    """Which CSV column holds which transaction field, and how to read values.

    Every column field takes one header name or a list of candidates (the first one present in
    the file wins); header names are matched case-insensitively, ignoring surrounding spaces,
    repeated spaces and ``_``. ``date`` and ``descriptor`` are required, and an amount must come
    from ``amount`` or from ``debit``/``credit`` (split columns: a debit is spend, a credit a
    refund). Serialise with ``model_dump(mode="json")``, load with ``model_validate``.

    * ``sign``: for a single ``amount`` column, whether spend is written positive (card issuers:
      Amex, Ramp, Brex, Expensify) or negative (Chase card, most banks). ``None`` (only in guessed
      mappings) means "decide from the data": negative if most non-zero amounts are negative.
    * ``direction``: optional column whose value says debit or credit (``DR``/``CR``,
      ``debit``/``credit``, ``Af``/``Bij``, ``S``/``H``, ``-``/``+``...; the words are in
      ``data/csv_headers.json``); the amount's own sign is then ignored. Without one, a ``CR``
      or ``DR`` written in the amount cell (``12.34 CR``) says the same.
    * ``date_format``: a ``strptime`` format, or ``None`` to detect it from the first rows
      (month-first wins over day-first when every sampled date fits both).
    * ``decimal_comma``: ``1.234,56`` style amounts; ``None`` to detect from the first rows
      (a comma followed by one or two digits at the end says comma, a point so placed says
      point; with no such amount a ``;``-separated file is taken as comma). Either way a
      thousands separator must group three digits, so ``12,50`` is never read as 1250.
    * ``delimiter``/``encoding``: ``None`` to detect (``,`` ``;`` tab ``|``; UTF-8 with or
      without BOM, then cp1252, then Latin-1).
    * ``reimbursable``: optional column; a truthy value (yes/true/1/x) makes the row a
      :attr:`Channel.REIMBURSEMENT`, otherwise the row gets ``channel``.
    * ``kind``: optional column saying what a row is (Chase's ``Type``: ``Sale``, ``Return``,
      ``Payment``...); ``Payment``, ``Transfer``, ``Interest`` and ``Balance`` rows are kept
      out of spend (:class:`connectors.base.Kind`), anything else is a purchase.
    * ``status``: optional column saying whether the row was booked (an app bank's ``State``:
      ``COMPLETED``, ``PENDING``, ``DECLINED``, ``REVERTED``...). Declined, failed, reverted
      and cancelled rows never moved money and pending rows are booked in a later export:
      neither is imported, each is listed in the warnings (see :mod:`connectors.files.status`).

    A row whose amount is empty but whose description says it is a balance (``Beginning
    balance as of 01/01/2025``, as Bank of America's checking export starts) is kept as a
    :attr:`Kind.BALANCE` row of amount 0, not refused.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: Columns
    descriptor: Columns
    amount: Columns = ()
    debit: Columns = ()
    credit: Columns = ()
    direction: Columns = ()
    sign: Literal["spend_positive", "spend_negative"] | None = "spend_positive"
    posted_date: Columns = ()
    merchant_name: Columns = ()
    currency: Columns = ()
    mcc: Columns = ()
    memo: Columns = ()
    cardholder_name: Columns = ()
    cardholder_email: Columns = ()
    cardholder_id: Columns = ()
    department: Columns = ()
    card_last4: Columns = ()
    id: Columns = ()
    reimbursable: Columns = ()
    kind: Columns = ()
    status: Columns = ()
    channel: Channel = Channel.CARD
    date_format: str | None = None
    decimal_comma: bool | None = None
    delimiter: str | None = None
    encoding: str | None = None

    @field_validator("date", "descriptor", *_OPTIONAL_COLUMNS, mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("delimiter must be a single character")
        return value


_UNIT_SUFFIX = re.compile(r"\s*[(\[][^)\]]{1,12}[)\]]\s*$")


_AROUND_SLASH = re.compile(r"\s*/\s*")


def _norm(header: str) -> str:
    """Header names compared case-blind and accent-blind, ignoring ``_``, ``.``, repeated
    spaces, spaces around ``/`` and a unit in brackets at the end (``Amount (USD)``,
    ``Trans. Date``, ``txn_date``, ``Begünstigter / Auftraggeber``, ``Montant(EUROS)``)."""
    text = header.replace("\ufeff", "").replace("_", " ").replace(".", " ")
    text = _AROUND_SLASH.sub("/", _UNIT_SUFFIX.sub("", text))
    return " ".join(fold(text).split())


# --------------------------------------------------------------------------------------------
# Resolving a mapping against a header row


@dataclass(frozen=True, slots=True)
class _Plan:
    """A mapping resolved to column indices (-1 = absent) for one header row."""

    header: tuple[str, ...]
    date: int
    descriptor: tuple[int, ...]
    amount: int
    debit: int
    credit: int
    direction: int
    posted_date: int
    merchant_name: int
    currency: int
    mcc: int
    memo: int
    cardholder_name: int
    cardholder_email: int
    cardholder_id: int
    department: int
    card_last4: int
    id: int
    reimbursable: int
    kind: int
    status: int


_OPTIONAL = _OPTIONAL_COLUMNS


def _find(index: dict[str, int], candidates: Columns) -> int:
    for name in candidates:
        i = index.get(_norm(name), -1)
        if i >= 0:
            return i
    return -1


def _missing(mapping: CsvMapping, header: Sequence[str]) -> list[str]:
    """What a header row lacks for ``mapping`` (empty when it is usable)."""
    index = _header_index(header)
    missing = []
    if _find(index, mapping.date) < 0:
        missing.append(f"date (one of {list(mapping.date)})")
    if all(_find(index, (c,)) < 0 for c in mapping.descriptor):
        missing.append(f"descriptor (one of {list(mapping.descriptor)})")
    has_amount = _find(index, mapping.amount) >= 0
    has_split = _find(index, mapping.debit) >= 0 or _find(index, mapping.credit) >= 0
    if not (has_amount or has_split):
        wanted = [*mapping.amount, *mapping.debit, *mapping.credit]
        missing.append(f"amount or debit/credit (one of {wanted})")
    return missing


def _header_index(header: Sequence[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(_norm(name), i)
    return index


def _plan(mapping: CsvMapping, header: Sequence[str]) -> _Plan:
    index = _header_index(header)
    descriptor = tuple(i for c in mapping.descriptor if (i := _find(index, (c,))) >= 0)
    optional = {name: _find(index, getattr(mapping, name)) for name in _OPTIONAL}
    if optional["amount"] >= 0 and (optional["debit"] >= 0 or optional["credit"] >= 0):
        # A file with both uses the split columns; "Amount" is then usually a running total.
        optional["amount"] = -1
    return _Plan(
        header=tuple(header),
        date=_find(index, mapping.date),
        descriptor=descriptor,
        **optional,
    )
