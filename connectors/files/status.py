"""Whether a row's status says money moved: booked rows are imported; declined, failed,
reverted or cancelled ones (the payment never happened) and pending ones (the booked row
comes later and would be doubled) are not, each with a per-row warning.

The words are data (``data/statuses.json``): the State/Status values of app-bank and card
exports and the ISO 20022 entry status codes (CAMT ``Sts``). A value the data does not know
is imported as booked and noted once per value, so an unexpected word never drops a row
silently.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from functools import cache
from importlib import resources

from connectors.files.csv_words import fold
from connectors.files.errors import RowError


class Status(StrEnum):
    """What a status value says (see the module docstring)."""

    BOOKED = "booked"
    PENDING = "pending"
    VOID = "void"


_WHY = {
    Status.PENDING: "pending, not yet booked: not imported (the booked row comes in a later "
    "statement; importing both would double it)",
    Status.VOID: "the payment never happened: not imported",
}
_SEPARATORS = re.compile(r"[\s_\-]+")


@cache
def _table() -> dict[str, Status]:
    text = resources.files("connectors.files").joinpath("data/statuses.json").read_text("utf-8")
    data = json.loads(text)
    return {_key(word): Status(name) for name in Status for word in data[name.value]}


def _key(value: str) -> str:
    return _SEPARATORS.sub(" ", fold(value)).strip()


def status_of(value: str | None) -> Status | None:
    """What ``value`` says; ``None`` for an empty cell or a word the data does not know."""
    if value is None or not value.strip():
        return None
    return _table().get(_key(value))


SHOWN_SKIPPED = 10
"""Skipped rows listed one by one in the warnings; the rest are counted in one line."""


class SkipLog:
    """The rows a file lists but that are not imported because of their status.

    ``count`` is every such row; :meth:`warnings` lists the first :data:`SHOWN_SKIPPED`, a
    count of the rest, and each status value the data does not know (imported as booked).
    """

    __slots__ = ("_shown", "_unknown", "count")

    def __init__(self) -> None:
        self.count = 0
        self._shown: list[RowError] = []
        self._unknown: dict[str, RowError] = {}

    def check(self, row: int, field: str, value: str | None) -> bool:
        """Whether the row is to be imported; notes it when it is not, or when its status is
        unknown."""
        status = status_of(value)
        if status is None:
            written = (value or "").strip()
            if written and written not in self._unknown and len(self._unknown) < SHOWN_SKIPPED:
                said = f"status {written[:30]!r} not known: imported as booked"
                self._unknown[written] = RowError(row, field, said)
            return True
        if status is Status.BOOKED:
            return True
        self.count += 1
        if len(self._shown) < SHOWN_SKIPPED:
            said = f"status {(value or '').strip()[:30]!r}: {_WHY[status]}"
            self._shown.append(RowError(row, field, said))
        return False

    def warnings(self) -> list[RowError]:
        more = self.count - len(self._shown)
        tail = [RowError(None, None, f"{more} more rows not imported for their status")]
        return [*self._shown, *(tail if more > 0 else []), *self._unknown.values()]
