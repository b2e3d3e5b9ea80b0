"""What the pipeline keeps of a source's row: text within documented lengths, and only values
both databases store alike.

Every source (file imports and API syncs) goes through :func:`admit` before a row is stored
(and a file's every row through :func:`check` before any of it is, so a refused row refuses
the file whole even when a large import commits as it goes):

* over-long text is **truncated**, never refused: ``descriptor`` to
  :data:`MAX_DESCRIPTOR_CHARS`, ``memo`` to :data:`MAX_MEMO_CHARS`, ``merchant_name`` to its
  column's 300, cardholder and department names to their columns' 200 and 120 characters. An
  email longer than the 320 an address can have is dropped (a cut address would be wrong);
  an id longer than its 200-character column is replaced by a hash of it (still stable, so a
  re-import still recognises the row). The raw payload kept beside a row is cut the same way
  when its JSON passes :data:`MAX_RAW_CHARS`.
* a row that cannot be stored the same way on SQLite and Postgres is **refused** with its
  field: a NUL character in any text (Postgres cannot store one), or a date outside
  :data:`EARLIEST` .. :data:`LATEST` (year 1 or 9999 are typing errors, and the date
  arithmetic of duplicate detection and FX lookups overflows at the ends of the calendar).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from connectors.base import RawTransaction

MAX_DESCRIPTOR_CHARS = 1000
MAX_MEMO_CHARS = 2000
MAX_RAW_CHARS = 16_000
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)

# Column widths (app/models): longer text is cut to them.
_CUT = {
    "descriptor": MAX_DESCRIPTOR_CHARS,
    "memo": MAX_MEMO_CHARS,
    "merchant_name": 300,
    "cardholder_name": 200,
    "department_name": 120,
}
_HASHED = {"external_id": 200, "cardholder_external_id": 200}
_DROPPED = {"cardholder_email": 320}
_TEXT = (*_CUT, *_HASHED, *_DROPPED, "currency", "mcc", "card_last4")
_RAW_VALUE_CHARS = 1000
_SMALLEST = min(_CUT.values())


class RowRefused(ValueError):
    """A row no database here can store as it is; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def admit(raw: RawTransaction) -> RawTransaction:
    """``raw`` as it will be stored (usually ``raw`` itself: checking costs a few length
    tests). Raises :class:`RowRefused` for a NUL character or an out-of-range date."""
    if _ordinary(raw):
        return raw
    _refuse_unstorable(raw)
    changes: dict[str, Any] = {}
    for name, limit in _CUT.items():
        value = getattr(raw, name)
        if value is not None and len(value) > limit:
            changes[name] = value[:limit]
    for name, limit in _HASHED.items():
        value = getattr(raw, name)
        if value is not None and len(value) > limit:
            changes[name] = "sha256:" + hashlib.sha256(value.encode()).hexdigest()
    for name, limit in _DROPPED.items():
        value = getattr(raw, name)
        if value is not None and len(value) > limit:
            changes[name] = None
    return dataclasses.replace(raw, **changes) if changes else raw


def check(raw: RawTransaction) -> None:
    """Raise :class:`RowRefused` for what :func:`admit` would refuse (a NUL character, a date
    out of range), without building the row it would store: the check a file's validation
    pass makes on every row before anything of the file is written."""
    if not _ordinary(raw):
        _refuse_unstorable(raw)


def _refuse_unstorable(raw: RawTransaction) -> None:
    for name in _TEXT:
        value = getattr(raw, name)
        if isinstance(value, str) and "\x00" in value:
            raise RowRefused(name, "contains a NUL character, which cannot be stored")
    for name in ("transaction_date", "posted_date"):
        day = getattr(raw, name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise RowRefused(name, f"{day.isoformat()} is outside {EARLIEST.year}..{LATEST.year}")


def _ordinary(raw: RawTransaction) -> bool:
    # The common case in one pass: nothing long, dates in range, and no NUL anywhere (one
    # search over every text at once; None formats as "None", which holds no NUL).
    descriptor, memo = raw.descriptor, raw.memo
    short = (
        f"{raw.external_id}{raw.merchant_name}{raw.cardholder_external_id}{raw.cardholder_name}"
        f"{raw.cardholder_email}{raw.department_name}{raw.currency}{raw.mcc}{raw.card_last4}"
    )
    return (
        len(descriptor) <= MAX_DESCRIPTOR_CHARS
        and (memo is None or len(memo) <= MAX_MEMO_CHARS)
        # Each of these fits the narrowest column (120) when all of them together do.
        and len(short) <= _SMALLEST
        and "\x00" not in f"{descriptor}{memo}{short}"
        and EARLIEST <= raw.transaction_date <= LATEST
        and (raw.posted_date is None or EARLIEST <= raw.posted_date <= LATEST)
    ) or _each_fits(raw)


def _each_fits(raw: RawTransaction) -> bool:
    # The short texts together were too long for the quick test: look at each.
    limits = {**_CUT, **_HASHED, **_DROPPED}
    for name in _TEXT:
        value = getattr(raw, name)
        if value is None:
            continue
        if "\x00" in value or len(value) > limits.get(name, _SMALLEST):
            return False
    days = (raw.transaction_date, raw.posted_date)
    return all(d is None or EARLIEST <= d <= LATEST for d in days)


def capped_raw(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The raw payload with every string in it cut to a thousand characters (used when its
    JSON passes :data:`MAX_RAW_CHARS`), marked ``"_truncated": true``."""

    def cut(value: Any) -> Any:
        if isinstance(value, str):
            return value[:_RAW_VALUE_CHARS]
        if isinstance(value, Mapping):
            return {str(k)[:_RAW_VALUE_CHARS]: cut(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [cut(v) for v in value[:100]]
        return value

    return {**cut(payload), "_truncated": True}
