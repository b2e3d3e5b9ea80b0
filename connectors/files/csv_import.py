"""CSV statement exports -> :class:`RawTransaction`, streamed row by row.

A :class:`CsvMapping` says which column holds what. Six presets cover the exports we know
(:data:`PRESETS`); any other CSV is read through a mapping the user saves on the connection, or
through one guessed from common header names.

Reading happens in two passes over the same bytes (see :class:`CsvSource`): ``validate`` reads
every row, collects every error and counts the rows without keeping any of them; ``iter_rows``
reads again and yields transactions. Memory therefore stays flat whatever the file size.

Conventions: ``amount_minor`` positive = money leaving the company; dates are calendar dates
as written in the file (no time zone); ``external_id`` is the file's own transaction id when it
has one, else :func:`connectors.base.stable_id` of the row's content, and a repeated id within
one file gets ``#2``, ``#3``... in order of appearance so identical rows stay distinct and a
re-import produces the same ids.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from connectors.base import RawTransaction
from connectors.files.csv_headerless import (
    POSITION_EXAMPLE,
    POSITION_PAIRS,
    column_names,
    first_data_row,
    guess_positions,
    starts_with_data,
)
from connectors.files.csv_mapping import Columns, CsvMapping, _missing, _Plan, _plan
from connectors.files.csv_presets import _COMMON, PRESETS, detect_preset, guess_mapping
from connectors.files.csv_rows import (
    _DIGITS,
    _Bad,
    _content_id,
    _date_parser,
    _row_parser,
    detect_date_format,
    detect_decimal_comma,
)
from connectors.files.csv_words import could_be_totals, direction_of, is_totals_cell
from connectors.files.errors import ErrorCollector, FileRejected, RowError
from connectors.files.money import AmountError, is_currency, parse_decimal
from connectors.files.status import SkipLog
from connectors.files.text import TextSource

csv.field_size_limit(16 * 1024 * 1024)

HEADER_SEARCH_ROWS = 30
"""Rows at the top of a file searched for the header (bank exports put a preamble first)."""

SAMPLE_ROWS = 500
"""Data rows read up front to guess the date format and the sign convention."""


# --------------------------------------------------------------------------------------------
# Reading bytes


class CsvSource(TextSource):
    """Re-readable CSV bytes with the encoding, dialect and header worked out once.

    ``data`` is either ``bytes`` or a seekable binary file (read from its current position);
    both are read lazily and never decoded whole. Encodings as :class:`TextSource` guesses.
    """

    def __init__(self, data: bytes | BinaryIO, *, encoding: str | None, delimiter: str | None):
        super().__init__(data, encoding=encoding)
        text = self.head.decode(self.encoding, errors="replace")
        self.delimiter = delimiter or _guess_delimiter(text)

    def rows(self) -> Iterator[list[str]]:
        """Every row of the file, header and preamble included, decoded with ``encoding``."""
        with self.text(newline="") as text:
            yield from csv.reader(text, delimiter=self.delimiter)


def _guess_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    if lines and lines[0].lower().startswith("sep=") and len(lines[0].strip()) == 5:
        return lines[0].strip()[4]  # Excel's explicit "sep=;" first line
    best, best_score = ",", (0, 0)
    for candidate in (",", ";", "\t", "|"):
        counts = [_count_outside_quotes(line, candidate) for line in lines[:20]]
        # The header and the rows under it share one count; a preamble or a stray comma in a
        # description does not.
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        common = max(set(nonzero), key=lambda c: (nonzero.count(c), c))
        # Lines times cells: a decimal comma in every row of a ";" file (one per line) must
        # not outvote the many ";" of the same lines.
        score = (nonzero.count(common) * common, nonzero.count(common))
        if score > best_score:
            best, best_score = candidate, score
    return best


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            count += 1
    return count


# --------------------------------------------------------------------------------------------
# The file


class CsvFile:
    """One CSV file bound to the mapping that reads it.

    Build it with :func:`open_csv`, then call :meth:`validate` (reads everything, raises
    :class:`FileRejected` with every row error) before :meth:`iter_rows` (yields
    :class:`RawTransaction` in file order). ``iter_rows`` on a file that fails validation
    raises :class:`FileRejected` at the first bad row.
    """

    def __init__(
        self,
        source: CsvSource,
        mapping: CsvMapping,
        *,
        preset: str | None,
        header_row: int,
        default_currency: str,
        header: list[str] | None = None,
    ) -> None:
        """``header_row`` is the index of the header among the file's rows; for a file with
        no header row, the index before its first data row, with ``header`` the names its
        columns go by (``column 1``...)."""
        self.source = source
        self.mapping = mapping
        self.preset = preset
        self.header_row = header_row
        self.given_header = header
        self.default_currency = default_currency
        self.row_count: int | None = None
        self.date_format = mapping.date_format
        self.sign = mapping.sign
        self.decimal_comma = mapping.decimal_comma
        self.skipped: frozenset[int] = frozenset()
        """Data rows that are not imported: totals or balance lines, and rows whose status
        says they are not booked (see :meth:`validate`)."""
        self.not_booked = 0
        """Rows not imported for their status (declined, pending...; see ``mapping.status``)."""
        self.warnings: list[RowError] = []

    def _data_rows(self) -> Iterator[list[str]]:
        rows = self.source.rows()
        for _ in range(self.header_row + 1):
            next(rows, None)
        return rows

    def _settle_defaults(self, plan: _Plan) -> list[RowError]:
        """Decide date format, decimal separator and sign from the first rows when the
        mapping leaves them open."""
        if None not in (self.date_format, self.sign, self.decimal_comma):
            return []
        sample: list[list[str]] = []
        for row in self._data_rows():
            if any(v.strip() for v in row):
                sample.append(row)
            if len(sample) >= SAMPLE_ROWS:
                break
        if self.decimal_comma is None:
            amounts = [
                r[i]
                for r in sample
                for i in (plan.amount, plan.debit, plan.credit)
                if 0 <= i < len(r)
            ]
            self.decimal_comma = detect_decimal_comma(amounts, delimiter=self.source.delimiter)
        if self.date_format is None:
            dates = [r[plan.date] for r in sample if len(r) > plan.date]
            self.date_format = detect_date_format(dates)
            if self.date_format is None and dates:
                examples = ", ".join(repr(d) for d in dates[:3])
                return [
                    RowError(
                        None,
                        plan.header[plan.date],
                        f"cannot tell the date format from {examples}; set date_format",
                    )
                ]
            self.date_format = self.date_format or "%Y-%m-%d"
        if self.sign is None:
            negatives = positives = 0
            if plan.amount >= 0:
                for r in sample:
                    text = r[plan.amount].strip() if len(r) > plan.amount else ""
                    try:
                        value = parse_decimal(text, decimal_comma=self.decimal_comma)
                    except AmountError:
                        continue
                    negatives += value < 0
                    positives += value > 0
            self.sign = "spend_negative" if negatives > positives else "spend_positive"
            if negatives == 0 and _says_direction(sample, plan):
                # Unsigned amounts and a "Type" of DEBIT/CREDIT: the type is the sign.
                self.mapping = self.mapping.model_copy(
                    update={"direction": self.mapping.kind, "kind": ()}
                )
        return []

    def _parser(self, *, build: bool = True) -> Callable[[list[str]], RawTransaction | None]:
        header = self._header()
        plan = _plan(self.mapping, header)
        assert self.date_format is not None
        assert self.sign is not None
        return _row_parser(
            plan,
            self.mapping,
            sign=self.sign,
            date_format=self.date_format,
            decimal_comma=bool(self.decimal_comma),
            default_currency=self.default_currency,
            build=build,
        )

    def _header(self) -> list[str]:
        if self.given_header is not None:
            return self.given_header
        for i, row in enumerate(self.source.rows()):
            if i == self.header_row:
                return row
        raise FileRejected([RowError(None, None, "the header row disappeared")])

    def validate(self) -> int:
        """Read every row; return the row count or raise :class:`FileRejected` with all errors.

        Falls back to the next encoding (cp1252, then Latin-1) when a byte does not decode.
        """
        return self.source.decoded(self._validate_once)

    def _validate_once(self) -> int:
        header = self._header()
        plan = _plan(self.mapping, header)
        problems = self._settle_defaults(plan)
        if problems:
            raise FileRejected(problems)
        parse = self._parser(build=False)
        totals = _TotalsLines(plan, self.date_format or "%Y-%m-%d")
        errors = ErrorCollector()
        count = 0
        skipped: list[int] = []
        skips, not_booked = SkipLog(), list[int]()
        status_field = header[plan.status] if plan.status >= 0 else ""
        # Totals-looking rows with a good date: a footer when nothing but such rows follow
        # them, a transaction otherwise (a merchant may be called "Total").
        pending: list[tuple[int, _Bad | None]] = []
        for number, row in enumerate(self._data_rows(), start=1):
            if not any(row):
                continue
            if plan.status >= 0 and not skips.check(
                number, status_field, row[plan.status] if plan.status < len(row) else None
            ):
                not_booked.append(number)
                continue
            try:
                parse(row)
                bad = None
            except _Bad as exc:
                if _blank(row):
                    continue
                bad = exc
            looks = totals.looks(row)
            if looks == "anywhere" and bad is not None:
                skipped.append(number)
                continue
            if looks is not None:
                pending.append((number, bad))
                continue
            for earlier, earlier_bad in pending:
                count += self._tally(errors, earlier, earlier_bad)
            pending.clear()
            count += self._tally(errors, number, bad)
        skipped.extend(number for number, _ in pending)
        if count == 0 and not skips.count:
            errors.add(None, None, "the file has a header but no transactions")
        errors.raise_if_any()
        self.row_count = count
        self.skipped = frozenset(skipped + not_booked)
        self.not_booked = skips.count
        self.warnings = [*_skipped_warnings(sorted(skipped)), *skips.warnings()]
        return count

    @staticmethod
    def _tally(errors: ErrorCollector, number: int, bad: _Bad | None) -> int:
        if bad is not None:
            errors.add(number, bad.field or None, bad.message)
        return 1

    def iter_rows(self) -> Iterator[RawTransaction]:
        """Yield every transaction in file order (re-reads the file; call after validate)."""
        if self.row_count is None:
            self.validate()
        parse = self._parser()
        skipped = self.skipped
        for number, row in enumerate(self._data_rows(), start=1):
            if not any(row) or number in skipped:
                continue
            try:
                transaction = parse(row)
            except _Bad as bad:
                if _blank(row):
                    continue
                raise FileRejected([RowError(number, bad.field or None, bad.message)]) from None
            assert transaction is not None
            yield transaction


def _says_direction(sample: list[list[str]], plan: _Plan) -> bool:
    """Whether a guessed ``kind`` column holds debit/credit words on every sampled row."""
    if plan.amount < 0 or plan.direction >= 0 or plan.kind < 0:
        return False
    said = [r[plan.kind] for r in sample if len(r) > plan.kind and r[plan.kind].strip()]
    return bool(said) and len(said) == len(sample) and all(map(direction_of, said))


class _TotalsLines:
    """Tells a totals or balance line (``Total``, ``Summe``, ``Kontostand am 31.12.``) from
    a transaction: the label in the date cell, the first filled cell or the description."""

    def __init__(self, plan: _Plan, date_format: str) -> None:
        self.date = plan.date
        self.descriptor = plan.descriptor[0] if plan.descriptor else plan.date
        self.parse_date = _date_parser(date_format, plan.header[plan.date])

    def looks(self, row: list[str]) -> str | None:
        """``"anywhere"`` for a labelled line whose date cell is not a date (skipped wherever
        it is), ``"footer"`` for one with a date (skipped only at the end of the file), else
        ``None``."""
        date_cell = row[self.date] if self.date < len(row) else ""
        described = row[self.descriptor] if self.descriptor < len(row) else ""
        first = next((v for v in row if v.strip()), "")
        labelled = could_be_totals(date_cell) and is_totals_cell(date_cell, label_first=True)
        if not labelled and not any(
            could_be_totals(c) and is_totals_cell(c) for c in (first, described)
        ):
            return None
        try:
            self.parse_date(date_cell)
        except _Bad:
            return "anywhere"
        return "footer"


SHOWN_SKIPPED = 10


def _skipped_warnings(rows: list[int]) -> list[RowError]:
    warnings = [
        RowError(n, None, "a totals or balance line, not a transaction: not imported")
        for n in rows[:SHOWN_SKIPPED]
    ]
    if len(rows) > SHOWN_SKIPPED:
        more = len(rows) - SHOWN_SKIPPED
        warnings.append(RowError(None, None, f"{more} more totals or balance lines not imported"))
    return warnings


def _first_rows(source: CsvSource) -> list[list[str]]:
    """The rows the header is searched in, falling back through encodings as needed."""
    while True:
        candidates: list[list[str]] = []
        try:
            for i, row in enumerate(source.rows()):
                if i >= HEADER_SEARCH_ROWS:
                    break
                candidates.append(row)
        except UnicodeDecodeError:
            if not source.fall_back():
                raise FileRejected([RowError(None, None, "the file is not text")]) from None
            continue
        except csv.Error as exc:
            message = f"not a readable CSV file: {exc}"
            raise FileRejected([RowError(None, None, message)]) from None
        return candidates


def _blank(row: list[str]) -> bool:
    return not "".join(row).strip()


def open_csv(
    data: bytes | BinaryIO,
    *,
    preset: str | None = None,
    mapping: CsvMapping | None = None,
    filename: str | None = None,
    default_currency: str = "USD",
) -> CsvFile:
    """Find the header row and the mapping for a CSV file, without reading the rows yet.

    The mapping is, in order: ``mapping`` if given; else the named ``preset``; else the preset
    detected from the header (and ``filename``); else one guessed from common header names.
    Raises :class:`FileRejected` listing the headers found and what is missing when none fits,
    and ``ValueError`` for an unknown preset name.
    """
    if preset is not None and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: {sorted(PRESETS)}")
    default_currency = default_currency.upper()
    if not is_currency(default_currency):
        raise ValueError(f"default_currency {default_currency!r} is not an ISO 4217 code")
    chosen = mapping or (PRESETS[preset] if preset else None)
    source = CsvSource(
        data,
        encoding=chosen.encoding if chosen else None,
        delimiter=chosen.delimiter if chosen else None,
    )
    candidates = _first_rows(source)
    if not any(any(v.strip() for v in row) for row in candidates):
        raise FileRejected([RowError(None, None, "the file is empty")])

    def opened(mapping: CsvMapping, *, header_row: int, name: str | None = None) -> CsvFile:
        return CsvFile(
            source, mapping, preset=name, header_row=header_row, default_currency=default_currency
        )

    if chosen is not None and chosen.by_position:
        start = next(i for i, row in enumerate(candidates) if any(v.strip() for v in row))
        if starts_with_data(candidates[start], chosen):
            return _headerless(source, chosen, candidates, start, default_currency)

    for i, row in enumerate(candidates):
        if sum(1 for v in row if v.strip()) < 2:
            continue
        if chosen is not None:
            if not _missing(chosen, row):
                return opened(chosen, header_row=i, name=preset)
            continue
        detected = detect_preset(row, filename)
        if detected is not None:
            return opened(PRESETS[detected], header_row=i, name=detected)
        guessed = guess_mapping(row)
        if guessed is not None:
            return opened(guessed, header_row=i)

    data_start = first_data_row(candidates) if chosen is None else None
    if data_start is not None:
        guessed_positions = guess_positions(candidates, data_start)
        return _headerless(source, guessed_positions, candidates, data_start, default_currency)

    first = _likeliest_header(candidates)
    found = _shown(first)
    if chosen is not None:
        what = f"preset {preset!r}" if mapping is None else "the mapping"
        missing = "; ".join(_missing(chosen, first))
        message = f"headers found: {found}; {what} needs {missing}"
    else:
        common = CsvMapping(
            date=_COMMON["date"],
            descriptor=_COMMON["descriptor"],
            amount=_COMMON["amount"],
            debit=_COMMON["debit"],
            credit=_COMMON["credit"],
        )
        lacking = [m.split(" (")[0] for m in _missing(common, first)]
        message = (
            f"unknown CSV layout: headers found: {found}; no column recognised for "
            f"{', '.join(lacking)}; choose a preset ({', '.join(sorted(PRESETS))}) or give "
            f"a column mapping: {MAPPING_HELP}"
        )
    raise FileRejected([RowError(None, None, message)])


def _headerless(
    source: CsvSource,
    mapping: CsvMapping,
    candidates: list[list[str]],
    start: int,
    default_currency: str,
) -> CsvFile:
    """A file whose data starts at row ``start`` with no header, read through ``mapping``."""
    width = max(len(row) for row in candidates[start:])
    missing = _missing(mapping, column_names(width))
    if missing:
        message = (
            f"the file has no header row and {width} columns; the mapping needs "
            f"{'; '.join(missing)}"
        )
        raise FileRejected([RowError(None, None, message)])
    return CsvFile(
        source,
        mapping,
        preset=None,
        header_row=start - 1,
        default_currency=default_currency,
        header=column_names(width),
    )


MAPPING_HELP = (
    "a JSON object naming the columns, e.g. "
    '{"date": "Posted", "descriptor": "Payee", "amount": "Amount", "sign": "spend_negative"} '
    '(or "debit"/"credit" for split columns; optional "direction" for a DR/CR column, '
    '"currency", "memo", "cardholder_name", '
    '"cardholder_email", "department", "card_last4", "id", "kind", "status", '
    '"date_format": "%d/%m/%Y", "decimal_comma": true); a column may be named by its 1-based '
    f"position instead, which reads a file with no header row: {POSITION_EXAMPLE}; pass it "
    f"with --mapping FILE (or inline: --mapping '{POSITION_PAIRS}'), or as the "
    "upload's mapping field, and it is saved on the connection for the next file"
)
"""How to write a column mapping, said where a user meets it (the error, --help, the README)."""

_LONG_NUMBER = re.compile(r"\d{5,}")


def _likeliest_header(candidates: list[list[str]]) -> list[str]:
    """The first row with the most cells that read as names (not numbers or dates)."""
    best: list[str] = []
    best_score = -1
    for row in candidates:
        score = sum(1 for v in row if v.strip() and not _DIGITS.search(v))
        if score > best_score:
            best, best_score = row, score
    return best


def _shown(row: list[str]) -> list[str]:
    """A header row as an error message may show it: long numbers (card or account numbers
    in a row that was not a header after all) masked, cells and their count capped."""
    cells = [_LONG_NUMBER.sub("…", h.strip())[:40] for h in row if h.strip()]
    return cells[:15] + (["…"] if len(cells) > 15 else [])


__all__ = [
    "MAPPING_HELP",
    "PRESETS",
    "Columns",
    "CsvFile",
    "CsvMapping",
    "CsvSource",
    "_content_id",
    "detect_date_format",
    "detect_preset",
    "guess_mapping",
    "open_csv",
]
