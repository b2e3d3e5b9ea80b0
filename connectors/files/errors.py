"""Errors a statement-file import reports.

A file is all or nothing: when any row is bad the whole file is refused with
:class:`FileRejected`, whose ``errors`` list every problem found (capped, see
``MAX_ERRORS``), and nothing from it is importable.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.base import ConnectorConfigError

MAX_ERRORS = 1000
"""At most this many row errors are kept; one summary error reports how many more there were."""


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in an imported file.

    ``row`` is the 1-based number of the data row (for CSV: the first row after the header is
    row 1; for OFX/CAMT/BAI2: the n-th transaction of the file), or ``None`` for a problem with
    the file as a whole. ``field`` names the column or element at fault, when there is one.
    """

    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        return describe_error(self.row, self.field, self.message)


def describe_error(row: int | None, field: str | None, message: str) -> str:
    """``row 3, field 'Amount': message``; only the parts there are (never ``row None``)."""
    where = []
    if row is not None:
        where.append(f"row {row}")
    if field:
        where.append(f"field {field!r}")
    return f"{', '.join(where)}: {message}" if where else message


class FileRejected(ConnectorConfigError):
    """The file cannot be imported; a human must fix it (never retried).

    ``errors`` holds every :class:`RowError` found (up to ``MAX_ERRORS`` plus a summary).
    """

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = list(errors)
        super().__init__(summarise(self.errors))


def summarise(errors: list[RowError], shown: int = 3) -> str:
    """The first ``shown`` errors, each once, and how many more there are."""
    first = "; ".join(str(e) for e in errors[:shown])
    more = f" (and {len(errors) - shown} more)" if len(errors) > shown else ""
    return f"{first}{more}"


class ErrorCollector:
    """Collects row errors up to ``MAX_ERRORS`` and counts the rest."""

    __slots__ = ("dropped", "errors")

    def __init__(self) -> None:
        self.errors: list[RowError] = []
        self.dropped = 0

    def add(self, row: int | None, field: str | None, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, field, message))
        else:
            self.dropped += 1

    def __bool__(self) -> bool:
        return bool(self.errors)

    def result(self) -> list[RowError]:
        if self.dropped:
            return [
                *self.errors,
                RowError(None, None, f"{self.dropped} further errors not listed"),
            ]
        return list(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise FileRejected(self.result())
