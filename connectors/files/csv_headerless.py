"""CSV files with no header row (some banks export only ``date, amount, description`` lines):
recognised by their content and read with a mapping that names columns by position.

A file is headerless when every one of its first rows (:data:`SAMPLE`) has the same number of
cells and reads as data: a column where every row holds a date and one where every row holds a
number. It is then imported without a mapping only when its columns are unambiguous: exactly
one date column, one amount column (a number in every row) and one text column (words, not
one value repeated in every row); empty columns and columns holding one repeated value (a
``*`` marker) carry nothing and are ignored. Otherwise it is refused with an error that names
each column's kind (never its content) and shows how to write a mapping by position.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from connectors.files.csv_mapping import CsvMapping
from connectors.files.csv_rows import detect_date_format
from connectors.files.errors import FileRejected, RowError
from connectors.files.money import AmountError, parse_decimal

SAMPLE = 30
"""Rows at the top of the file that must all read as data."""

POSITION_EXAMPLE = '{"date": 1, "descriptor": 3, "amount": 2, "sign": "spend_negative"}'
POSITION_PAIRS = "date=1,descriptor=3,amount=2,sign=spend_negative"
"""The same mapping inline, as ``--mapping`` takes it on the command line."""


def column_names(width: int) -> list[str]:
    """The names a headerless file's columns go by in errors: ``column 1``..."""
    return [f"column {i}" for i in range(1, width + 1)]


def _is_number(text: str) -> bool:
    for comma in (False, True):
        try:
            parse_decimal(text, decimal_comma=comma)
        except AmountError:
            continue
        return True
    return False


def _dates(values: Sequence[str]) -> bool:
    """Whether every value reads as a date in one format."""
    fmt = detect_date_format(values)
    if fmt is None:
        return False
    for value in values:
        text = value.strip()
        try:
            if fmt == "%Y-%m-%d":
                datetime.strptime(text[:10], fmt)  # noqa: DTZ007 - a calendar date
            else:
                datetime.strptime(text, fmt)  # noqa: DTZ007 - a calendar date
        except ValueError:
            return False
    return True


def _kind(values: list[str]) -> str:
    """``date``, ``number``, ``text``, or ``filler`` (empty somewhere, or one text repeated
    in every row, like a ``*`` marker)."""
    filled = [v.strip() for v in values]
    if not all(filled):
        return "filler"
    if _dates(filled):
        return "date"
    if all(_is_number(v) for v in filled):
        return "number"
    return "filler" if len(filled) > 1 and len(set(filled)) == 1 else "text"


def first_data_row(rows: Sequence[Sequence[str]]) -> int | None:
    """Index of the first non-blank row when that row and every non-blank row after it (in
    ``rows``) have one width and a date and a number column; ``None`` otherwise."""
    start = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if start is None:
        return None
    sample = [list(r) for r in rows[start : start + SAMPLE] if any(c.strip() for c in r)]
    widths = {len(r) for r in sample}
    if len(widths) != 1 or widths.pop() < 2:
        return None
    kinds = [_kind([r[i] for r in sample]) for i in range(len(sample[0]))]
    return start if "date" in kinds and "number" in kinds else None


def starts_with_data(row: Sequence[str], mapping: CsvMapping) -> bool:
    """Whether ``row`` is data for a positional ``mapping`` (its date cell is a date), so the
    file has no header row."""
    date = next((c for c in mapping.date if isinstance(c, int)), None)
    if date is None or date > len(row):
        return False
    return _dates([row[date - 1]])


def guess_positions(rows: Sequence[Sequence[str]], start: int) -> CsvMapping:
    """The positional mapping of a headerless file whose data starts at ``rows[start]``.

    Raises :class:`FileRejected` saying how to write a mapping by position when the columns
    are ambiguous (not exactly one date, one number and one text column).
    """
    sample = [list(r) for r in rows[start : start + SAMPLE] if any(c.strip() for c in r)]
    kinds = [_kind([r[i] for r in sample]) for i in range(len(sample[0]))]
    of = {k: [i + 1 for i, found in enumerate(kinds) if found == k] for k in set(kinds)}
    dates, numbers, texts = of.get("date", []), of.get("number", []), of.get("text", [])
    if len(dates) == len(numbers) == len(texts) == 1:
        return CsvMapping(date=dates[0], amount=numbers[0], descriptor=texts[0], sign=None)
    layout = ", ".join(f"{i} {k}" for i, k in enumerate(kinds, start=1))
    message = (
        f"the file has no header row (its first rows are all data) and its columns are "
        f"ambiguous ({layout}; one date, one amount and one text column are needed to read "
        f"it unaided): give a mapping naming the columns by position, counting from 1, e.g. "
        f"{POSITION_EXAMPLE} (--mapping '{POSITION_PAIRS}' on the command line)"
    )
    raise FileRejected([RowError(None, None, message)])
