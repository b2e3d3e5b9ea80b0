"""Quicken Interchange Format (QIF) exports -> :class:`RawTransaction`, via quiffen.

The file is streamed (see :mod:`connectors.files.text`): sections start with a ``!`` header,
records end with ``^``. Each transaction record is read by quiffen's ``Transaction.from_list``
(payee, memo, category or ``[transfer account]``, check number, address, splits), but its date
and amount are read here, strictly: quiffen drops any character it does not expect from an
amount (``1.234,56`` would become ``1.23456``) and guesses dates with dateutil. Row numbers in
errors are the n-th transaction record of the file (1-based); messages give its line.

**Lenient** (nothing about a transaction is in doubt):

* a byte-order mark, CRLF or CR line ends, UTF-8 / Windows-1252 / IBM 852 text, blank lines,
  ``#`` comments, a last record without its closing ``^``;
* the sections that hold no transactions of the account: categories, classes, memorised
  transactions, securities, prices, account lists (``!Option:AutoSwitch``), and investment
  records (``!Type:Invst``: trades are not spend);
* line codes quiffen does not know (kept in ``raw``), and splits quiffen refuses (the
  record's own ``T`` amount stands; the split lines are kept in ``raw``);
* records before any ``!Type:`` header are read as a bank account's.

**Strict** (the file is rejected, with the record and the line):

* a transaction record without a date (``D``) or an amount (``T``/``U``), a date that does
  not exist or does not fit the file's date order, an amount that is not a number or has more
  decimals than the currency, ``T`` and ``U`` that disagree;
* a section of a type this importer does not know (``!Type:Xyz``) that holds records with a
  date and an amount: they might be transactions.

**Conventions**

* Sign: QIF amounts are the account's change from its holder's view (money out, a card
  charge: negative) for every account type, Quicken's convention; ``amount_minor = -T``.
* Dates: ``M/D/Y`` (Quicken), ``D/M/Y`` or ``Y-M-D`` with ``/``, ``.`` or ``-``, a two-digit
  year after ``'`` (``1/15'25``) or ``/`` (pivot 1970), spaces for leading zeros. The order is
  ``!Option:MDY``/``DMY``/``YMD`` when the file says, else the one under which every date of
  the file exists (``13/01/2025`` settles it); when both readings fit every date, the one
  that spans fewer days, and month-first when they span the same.
* Amounts: the decimal separator is the one the file uses (``12,50`` or ``1.234,56`` mean a
  decimal comma, ``12.50`` or ``1,234.56`` a point), decided over the whole file; no
  currency is written in QIF, so every row is in ``default_currency``.
* ``external_id``: ``<account>:`` + a hash of the record's date, amount, payee, memo, number
  and category; repeats in one file get ``#2``...
* ``descriptor``: payee, else memo, else category; ``!Type:CCard`` rows are
  :attr:`Channel.CARD`, the others :attr:`Channel.INVOICE`.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, BinaryIO, Literal

from connectors.base import Channel, Kind, RawTransaction, stable_id
from connectors.files.errors import ErrorCollector, RowError
from connectors.files.ids import RepeatNumbering
from connectors.files.money import AmountError, parse_minor
from connectors.files.streamed import TwoPassFile
from connectors.files.text import TextSource, describe

logging.getLogger("quiffen").setLevel(logging.CRITICAL)  # it logs record content

_ACCOUNT_TYPES = {
    "bank": Channel.INVOICE,
    "cash": Channel.INVOICE,
    "ccard": Channel.CARD,
    "otha": Channel.INVOICE,
    "othl": Channel.INVOICE,
    "invoice": Channel.INVOICE,
}
# Sections whose records are not the account's transactions.
_SKIPPED = frozenset(
    {"cat", "class", "memorized", "memorised", "security", "prices", "invst", "template"}
)
# Line codes quiffen's Transaction reads (anything else is kept in raw and not passed on).
_QUIFFEN_CODES = frozenset("SDE$£%TUMCPALNFX1234567")
_SPLIT_CODES = frozenset("SE$£%")
_DATE_PARTS = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-'](\d{1,4})$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_POINT = re.compile(r"\.\d{1,2}$|,\d{3}\.")
_COMMA = re.compile(r",\d{1,2}$|\.\d{3},")
Order = Literal["MDY", "DMY", "YMD"]


def looks_like_qif(head: bytes) -> bool:
    """True when the first meaningful line of ``head`` is a QIF header (``!Type:``...)."""
    text = head[:4096].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    for line in text.splitlines()[:20]:
        stripped = line.strip().lower()
        if not stripped or stripped.startswith("#"):
            continue
        return stripped.startswith(("!type:", "!account", "!option:", "!clear:"))
    return False


@dataclass(slots=True)
class _Record:
    number: int  # n-th transaction record (1-based)
    line: int
    section: str  # lower-cased type without spaces: "bank", "ccard"...
    account: str
    lines: list[str] = field(default_factory=list)

    def first(self, code: str) -> str | None:
        for text in self.lines:
            if text[:1] == code:
                return text[1:].strip()
        return None


class _Bad(Exception):
    def __init__(self, field_name: str, message: str) -> None:
        self.field = field_name
        self.message = message


@dataclass
class _Settled:
    """What the whole file decides: its date order and decimal separator."""

    order: Order = "MDY"
    decimal_comma: bool = False


class QifFile(TwoPassFile):
    """A QIF file, validated by :meth:`validate` then streamed by :meth:`iter_rows`."""

    def __init__(self, data: bytes | BinaryIO, *, default_currency: str = "USD") -> None:
        super().__init__()
        self.source = TextSource(data)
        self.currency = default_currency
        self.settled: _Settled | None = None
        self._hinted: str | None = None  # !Option:MDY/DMY/YMD, seen while reading

    # -- structure -------------------------------------------------------------------------
    def _records(self, errors: ErrorCollector) -> Iterator[_Record]:
        """Transaction records of the account sections, in file order."""
        section: str | None = None
        account = ""
        number = 0
        record: list[str] = []
        record_line = 0
        in_account_block = False

        def close() -> Iterator[_Record]:
            nonlocal number, account
            lines = [x for x in record if x.strip()]
            if not lines:
                return
            if in_account_block:
                # An account list (!Option:AutoSwitch) or the header of the account whose
                # transactions follow: the last one named is theirs.
                account = next((x[1:].strip() for x in lines if x[:1] == "N"), "") or account
                return
            kind = section if section is not None else "bank"
            if kind in _SKIPPED:
                return
            if kind not in _ACCOUNT_TYPES:
                codes = {x[:1] for x in lines}
                if {"D", "T"} <= codes or {"D", "U"} <= codes:
                    errors.add(
                        None,
                        "!Type",
                        f"line {record_line}: a section of unknown type !Type:{kind} holds "
                        "records with a date and an amount; they may be transactions",
                    )
                return
            number += 1
            yield _Record(number, record_line, kind, account, lines)

        for line_number, text in self.source.lines():
            stripped = text.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("!"):
                yield from close()
                record = []
                lowered = stripped.lower().replace(" ", "")
                if lowered.startswith("!option:"):
                    option = lowered.split(":", 1)[1].upper()
                    if option in ("MDY", "DMY", "YMD"):
                        self._hinted = option
                elif lowered.startswith("!account"):
                    in_account_block = True
                elif lowered.startswith("!type:"):
                    in_account_block = False
                    section = lowered.split(":", 1)[1]
                continue
            if stripped == "^" or stripped.startswith("^"):
                yield from close()
                record = []
                continue
            if not record:
                record_line = line_number
            record.append(text.rstrip())
        yield from close()

    # -- passes ----------------------------------------------------------------------------
    def validate(self) -> int:
        """Read everything; return the number of transactions or raise :class:`FileRejected`."""
        return self.source.decoded(self._validate_once)

    def _validate_once(self) -> int:
        errors = ErrorCollector()
        self._hinted = None
        dates: dict[str, list[tuple[int, int]]] = {}  # text -> (record, line), capped
        points = commas = 0
        records = 0
        for record in self._records(errors):
            records += 1
            text = record.first("D")
            if not text:
                errors.add(record.number, "D", f"line {record.line}: the record has no date")
            else:
                rows = dates.setdefault(text, [])
                if len(rows) < 20:
                    rows.append((record.number, record.line))
            amount = record.first("T") or record.first("U")
            if not amount:
                errors.add(record.number, "T", f"line {record.line}: the record has no amount")
            else:
                points += bool(_POINT.search(amount))
                commas += bool(_COMMA.search(amount))
        if records == 0 and not looks_like_qif(self.source.head):
            errors.add(None, None, "not a QIF file: no !Type: header and no records")
        order, bad = _settle_order(dates, self._hinted)
        for text, where in bad.items():
            for row, line in where:
                message = f"line {line}: not a date in {'/'.join(order)} order: {describe(text)}"
                errors.add(row, "D", message)
        self.settled = _Settled(order=order, decimal_comma=commas > points)
        # Every record again, now that the date order and separator are known (its date
        # errors were reported above).
        amounts = ErrorCollector()
        count = sum(1 for _ in self._rows(amounts, build=False))
        for error in amounts.result():
            if error.field != "D":
                errors.add(error.row, error.field, error.message)
        if errors:
            errors.errors.sort(key=lambda e: (e.row is not None, e.row or 0))
        errors.raise_if_any()
        self.row_count = count
        return count

    def _read(self, errors: ErrorCollector, notes: list[RowError]) -> Iterator[RawTransaction]:
        for row in self._rows(errors, build=True):
            assert row is not None
            yield row

    def _rows(self, errors: ErrorCollector, *, build: bool) -> Iterator[RawTransaction | None]:
        assert self.settled is not None
        numbered = RepeatNumbering()
        ignore = ErrorCollector()  # structure errors were reported by the first pass
        for record in self._records(ignore):
            try:
                yield self._row(record, numbered, build=build)
            except _Bad as bad:
                errors.add(record.number, bad.field, f"line {record.line}: {bad.message}")

    def _row(
        self, record: _Record, numbered: RepeatNumbering, *, build: bool
    ) -> RawTransaction | None:
        assert self.settled is not None
        settled = self.settled
        when = _read_date(record.first("D") or "", settled.order)
        if when is None:
            raise _Bad("D", f"not a date: {describe(record.first('D') or '')}")
        t_text, u_text = record.first("T"), record.first("U")
        minor = self._minor(t_text or u_text or "", "T" if t_text else "U")
        if t_text and u_text and self._minor(u_text, "U") != minor:
            raise _Bad("U", f"U ({u_text}) and T ({t_text}) give different amounts")
        if not build:
            return None
        fields = _fields(record, when, minor, self.currency)
        payee, memo, category = fields["payee"], fields["memo"], fields["category"]
        descriptor = payee or memo or category or fields.get("to_account") or "QIF entry"
        # L[account]: money moved to or from another of the file's own accounts; the
        # "Opening Balance" record Quicken writes that way is the account's balance.
        kind = Kind.PURCHASE
        if fields.get("to_account"):
            kind = Kind.BALANCE if (payee or "").lower() == "opening balance" else Kind.TRANSFER
        key = f"{record.account}:" + stable_id(
            when,
            minor,
            payee,
            memo,
            fields.get("check_number"),
            category,
            fields.get("to_account"),
        )
        return RawTransaction(
            external_id=numbered(key),
            transaction_date=when,
            amount_minor=-minor,
            currency=self.currency,
            descriptor=descriptor[:500],
            merchant_name=payee,
            memo=memo,
            channel=_ACCOUNT_TYPES[record.section],
            kind=kind,
            raw={
                "account": record.account or None,
                "type": record.section,
                "line": record.line,
                **{k: v for k, v in fields.items() if v not in (None, "", [])},
            },
        )

    def _minor(self, text: str, code: str) -> int:
        assert self.settled is not None
        try:
            return parse_minor(text, self.currency, decimal_comma=self.settled.decimal_comma)
        except AmountError as exc:
            raise _Bad(code, str(exc)) from None


def _fields(record: _Record, when: date, minor: int, currency: str) -> dict[str, Any]:
    """Payee, memo, category, transfer account... as quiffen reads them (see the docstring)."""
    from decimal import Decimal

    from quiffen.core.transaction import Transaction as QuiffenTransaction

    from connectors.files.money import exponent

    known = [x for x in record.lines if x[:1] in _QUIFFEN_CODES and x[:1] not in "DTU"]
    unknown = [x for x in record.lines if x[:1] not in _QUIFFEN_CODES]
    head = [f"D{when.isoformat()}", f"T{Decimal(minor).scaleb(-exponent(currency))}"]
    parsed = None
    splits_refused = False
    for lines in (known, [x for x in known if x[:1] not in _SPLIT_CODES]):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed, _classes = QuiffenTransaction.from_list(head + lines)
            break
        except Exception:  # quiffen raises ValueError, pydantic errors, IndexError...
            splits_refused = True
            continue
    result: dict[str, Any] = {
        "payee": _clean(parsed.payee) if parsed else _clean(record.first("P")),
        "memo": _clean(parsed.memo) if parsed else _clean(record.first("M")),
        "category": (parsed.category.hierarchy if parsed and parsed.category is not None else None),
        "to_account": _clean(parsed.to_account) if parsed else None,
        "check_number": str(parsed.check_number) if parsed and parsed.check_number else None,
        "cleared": parsed.cleared if parsed else None,
        "address": _clean(parsed.payee_address) if parsed else None,
    }
    if parsed is not None and parsed.splits:
        result["splits"] = [
            {
                "category": s.category.hierarchy if s.category is not None else None,
                "to_account": s.to_account,
                "memo": s.memo,
                "amount": str(s.amount) if s.amount is not None else None,
            }
            for s in parsed.splits
        ]
    elif splits_refused:
        result["split_lines"] = [x for x in record.lines if x[:1] in _SPLIT_CODES]
    if unknown:
        result["other_lines"] = unknown
    return result


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


# ------------------------------------------------------------------------------------ dates


def _tokens(text: str) -> tuple[str, str, str, bool] | None:
    """The three numbers of a QIF date as written, and whether a ``'`` marks its year."""
    value = text.strip()
    compact = _COMPACT_DATE.match(value)
    if compact:
        return compact[1], compact[2], compact[3], False
    apostrophe = "'" in value
    match = _DATE_PARTS.match(re.sub(r"\s+", "", value))  # " 1/ 5'98": spaces pad
    if match is None:
        return None
    return match[1], match[2], match[3], apostrophe


def _year(token: str, apostrophe: bool) -> int:
    value = int(token)
    if len(token) > 2:
        return value
    if apostrophe:  # Quicken writes years from 2000 on as 'YY
        return 2000 + value
    return 2000 + value if value < 70 else 1900 + value


def _read_date(text: str, order: Order) -> date | None:
    tokens = _tokens(text)
    if tokens is None:
        return None
    a, b, c, apostrophe = tokens
    try:
        if len(a) == 4:  # a year first is unambiguous, whatever the order
            return date(int(a), int(b), int(c))
        if order == "YMD":
            return date(_year(a, apostrophe), int(b), int(c))
        year = _year(c, apostrophe)
        if order == "DMY":
            return date(year, int(b), int(a))
        return date(year, int(a), int(b))
    except ValueError:
        return None


def _settle_order(
    dates: dict[str, list[tuple[int, int]]], hinted: str | None
) -> tuple[Order, dict[str, list[tuple[int, int]]]]:
    """The file's date order and the date texts that do not read under it."""
    orders: Sequence[Order] = ("MDY", "DMY")
    if hinted in ("MDY", "DMY", "YMD"):
        order: Order = hinted  # type: ignore[assignment]
    else:
        fits = {o: sum(len(r) for t, r in dates.items() if _read_date(t, o)) for o in orders}
        best = max(fits.values(), default=0)
        candidates = [o for o in orders if fits[o] == best]
        if len(candidates) == 2:
            spans = {o: _span(dates, o) for o in orders}
            candidates = sorted(candidates, key=lambda o: (spans[o], orders.index(o)))
        order = candidates[0]
    bad = {t: rows for t, rows in dates.items() if _read_date(t, order) is None}
    return order, bad


def _span(dates: dict[str, list[tuple[int, int]]], order: Order) -> timedelta:
    read = [d for t in dates if (d := _read_date(t, order)) is not None]
    return max(read) - min(read) if read else timedelta(0)


def open_qif(data: bytes | BinaryIO, *, default_currency: str = "USD") -> QifFile:
    """A QIF file over ``data`` (bytes, or a seekable binary file read from its position);
    every row is in ``default_currency`` (QIF writes none)."""
    return QifFile(data, default_currency=default_currency)
