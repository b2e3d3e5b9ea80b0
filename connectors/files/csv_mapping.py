"""CSV column mappings: which column holds what, and a mapping resolved against a header.

See :class:`CsvMapping` for the fields; :func:`_plan` turns a mapping and a header row into
column indices. Header names are compared by :func:`_norm`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from connectors.base import Channel
from connectors.files.csv_words import fold

Column = str | int
"""A column named by its header (``"Amount"``) or by its 1-based position (``3``)."""
Columns = tuple[Column, ...]

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
    repeated spaces and ``_``. A column may also be given by its 1-based position (``"date":
    1``): a mapping naming every column by position reads a file without a header row (when
    its first row is data; a first row that is not data is taken as the header). ``date``
    and ``descriptor`` are required, and an amount must come from ``amount`` or from
    ``debit``/``credit`` (split columns: a debit is spend, a credit a refund).
    Serialise with ``model_dump(mode="json")``, load with ``model_validate``.

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
        if isinstance(value, bool):
            raise ValueError("a column is a header name or a 1-based position, not true/false")
        if isinstance(value, str | int):
            return (value,)
        if isinstance(value, list | tuple) and any(isinstance(v, bool) for v in value):
            raise ValueError("a column is a header name or a 1-based position, not true/false")
        return value

    @field_validator("date", "descriptor", *_OPTIONAL_COLUMNS)
    @classmethod
    def _positions_from_one(cls, value: Columns) -> Columns:
        for column in value:
            if isinstance(column, int) and column < 1:
                raise ValueError("a column position counts from 1 (the first column is 1)")
        return value

    @property
    def by_position(self) -> bool:
        """Whether every column the mapping names is a position (a file with no header)."""
        named = [c for f in ("date", "descriptor", *_OPTIONAL_COLUMNS) for c in getattr(self, f)]
        return bool(named) and all(isinstance(c, int) for c in named)

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("delimiter must be a single character")
        return value


def mapping_data(text: str) -> dict[str, Any]:
    """A mapping as a user writes it: a JSON object, or ``field=column`` pairs separated by
    commas (``date=1,descriptor=3,amount=2,sign=spend_negative``), where a column that is a
    number is a 1-based position and ``|`` separates candidates (``descriptor=Payee|Memo``).
    Raises ``ValueError`` saying what is wrong; :class:`CsvMapping` then checks the fields.
    """
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data
    pairs: dict[str, Any] = {}
    for part in filter(None, (p.strip() for p in stripped.split(","))):
        key, equals, value = part.partition("=")
        if not equals or not key.strip():
            raise ValueError(f"{part[:40]!r} is not field=column")
        values = [int(v) if v.strip().isdigit() else v.strip() for v in value.split("|")]
        pairs[key.strip()] = values[0] if len(values) == 1 else values
    if not pairs:
        raise ValueError("empty")
    return pairs


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
        if isinstance(name, int):
            if name <= index.get(_WIDTH, 0):
                return name - 1
            continue
        i = index.get(_norm(name), -1)
        if i >= 0:
            return i
    return -1


_WIDTH = "\0width"  # the header's cell count, kept in its index for positional columns


def shown_columns(candidates: Columns) -> list[str]:
    """Candidates as an error message names them (``'Amount'``, ``column 3``)."""
    return [f"column {c}" if isinstance(c, int) else repr(c) for c in candidates]


def _missing(mapping: CsvMapping, header: Sequence[str]) -> list[str]:
    """What a header row lacks for ``mapping`` (empty when it is usable)."""
    index = _header_index(header)
    missing = []
    if _find(index, mapping.date) < 0:
        missing.append(f"date (one of {', '.join(shown_columns(mapping.date))})")
    if all(_find(index, (c,)) < 0 for c in mapping.descriptor):
        missing.append(f"descriptor (one of {', '.join(shown_columns(mapping.descriptor))})")
    has_amount = _find(index, mapping.amount) >= 0
    has_split = _find(index, mapping.debit) >= 0 or _find(index, mapping.credit) >= 0
    if not (has_amount or has_split):
        wanted = shown_columns((*mapping.amount, *mapping.debit, *mapping.credit))
        missing.append(f"amount or debit/credit (one of {', '.join(wanted)})")
    return missing


def _header_index(header: Sequence[str]) -> dict[str, int]:
    index: dict[str, int] = {_WIDTH: len(header)}
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
