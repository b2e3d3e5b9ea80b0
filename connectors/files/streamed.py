"""The two passes every streamed statement reader makes (see :mod:`connectors.files.api`):
:meth:`validate` reads the whole file, collects every error and counts the rows without
keeping them; :meth:`iter_rows` reads it again and yields them. Memory holds one row.

A row whose status says it is not booked (pending, declined...) is given to :attr:`skips`
(see :mod:`connectors.files.status`) by the reader and not yielded; ``skipped`` counts them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from connectors.base import RawTransaction
from connectors.files.errors import ErrorCollector, RowError
from connectors.files.status import SkipLog

T = TypeVar("T")


class TwoPassFile:
    """Base of the streamed readers: subclasses write :meth:`_read`."""

    def __init__(self) -> None:
        self.row_count: int | None = None
        self.warnings: list[RowError] = []
        self.skipped = 0
        self.skips = SkipLog()
        """Where the reader notes rows not imported for their status (fresh for each read)."""

    def _read(self, errors: ErrorCollector, notes: list[RowError]) -> Iterator[RawTransaction]:
        """Every row in file order; problems go to ``errors``, remarks to ``notes``."""
        raise NotImplementedError

    def _retrying(self, read: Callable[[], T]) -> T:
        """How a whole read is run (a text reader retries it in its next encoding)."""
        return read()

    def _after_validation(self, errors: ErrorCollector) -> None:
        """A last check on the file as a whole, once every row was read."""

    def validate(self) -> int:
        """Read everything; return the row count or raise ``FileRejected`` with all errors."""

        def once() -> tuple[int, ErrorCollector, list[RowError]]:
            errors, notes = ErrorCollector(), list[RowError]()
            self.skips = SkipLog()
            count = sum(1 for _ in self._read(errors, notes))
            return count, errors, notes

        count, errors, notes = self._retrying(once)
        self._after_validation(errors)
        errors.raise_if_any()
        self.row_count, self.warnings = count, [*notes, *self.skips.warnings()]
        self.skipped = self.skips.count
        return count

    def iter_rows(self) -> Iterator[RawTransaction]:
        """Every row in file order (reads the file again; validates first if needed)."""
        if self.row_count is None:
            self.validate()
        errors = ErrorCollector()
        self.skips = SkipLog()
        yield from self._read(errors, [])
        errors.raise_if_any()
