"""SWIFT MT940 (and MT942) bank statements -> :class:`RawTransaction`, via the mt-940 package.

The file is streamed line by line (see :mod:`connectors.files.text`) and cut into tags the way
mt-940 cuts them: a tag starts a line with ``:NN:``, ``:NNa:`` or ``:NS:`` (a tag split as
``:`` / ``86:`` over two lines counts too) and runs to the next known tag; blank lines and ``-``
separators are dropped. Each tag's value is then parsed by mt-940's own tag parsers, one tag at
a time, so an error names its tag and line and memory holds one transaction at a time. Row
numbers in errors are the n-th ``:61:`` statement line of the file (1-based).

**Lenient** (nothing about a transaction is in doubt, so the file imports):

* the SWIFT envelope (``{1:...}{2:...}{4:``, ``-}``, ``{5:...}``), SOH/ETX marks, a byte-order
  mark, CRLF or bare CR line ends, a missing final newline, blank lines;
* UTF-8, Windows-1252 or IBM 852 text (see :mod:`connectors.files.text`);
* a missing, empty or malformed balance (``:60F:``, ``:62F:``, ``:64:``...), a missing or odd
  ``:20:``/``:28C:``, an empty ``:86:``, tags mt-940 does not know (their text joins the tag
  before them, as mt-940 does), a statement without transactions (0 rows);
* a value date of 29-31 February (banks' 30-day months for period-end charges): the last day of
  February, as mt-940 reads it;
* a balance that does not add up (opening + movements != closing) is not refused, since
  several banks' excerpts do not balance, but it is reported as a warning.

**Strict** (the file is rejected, with the row, the tag and the line):

* a ``:61:`` statement line that does not parse (value date, debit/credit mark, amount) or
  whose date does not exist;
* an amount with more decimals than its currency has;
* a transaction whose currency cannot be known: the currency is the statement's, from its
  opening balance (else its closing or available balance, else the ``:34F:`` floor limit);
* a second, different account (``:25:``) after a statement's transactions without a new
  ``:20:`` (an ``:86:`` written as ``:25:``: the rows' account would be wrong);
* a file with no MT940 tag at all.

**Conventions**

* Sign: ``D`` (debit) and ``RC`` (reversal of a credit) take money out: positive
  ``amount_minor``; ``C`` and ``RD`` bring it in: negative. Marks are read case-insensitively.
* ``transaction_date`` is the entry (booking) date when the ``:61:`` gives one (its year as
  mt-940 resolves it across a year end), else the value date; ``posted_date`` is the entry
  date. The value date is kept in ``raw``.
* ``external_id``: ``<account>:<value date>:<bank reference>:<amount>`` when the line has a
  bank reference (after ``//``, not ``NONREF``), else ``<account>:`` + a hash of the line and
  its details; repeats in one file get ``#2``... Re-importing a file, or a later file that
  repeats the same entries, adds nothing.
* ``descriptor``: the counterparty from structured ``:86:`` details (``?32``/``?33``), else
  the purpose, else the first line of free ``:86:`` text, else the ``:61:`` supplementary
  details or reference, else the SWIFT transaction type. ``memo`` holds the purpose or the
  ``:86:`` text. Rows are :attr:`Channel.INVOICE` (bank account movements).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

import mt940
from mt940 import models as mt_models
from mt940 import tags as mt_tags

from connectors.base import Channel, Kind, RawTransaction, stable_id
from connectors.files.errors import ErrorCollector, RowError
from connectors.files.ids import RepeatNumbering
from connectors.files.kinds import code_kind
from connectors.files.money import AmountError, decimal_to_minor, exponent, is_currency
from connectors.files.streamed import T, TwoPassFile
from connectors.files.text import TextSource, describe

# mt-940 logs every value that fails to match at ERROR, file content included (card numbers,
# names): the importer reports errors itself, so that logger stays quiet.
logging.getLogger("mt940").setLevel(logging.CRITICAL)

_OPTIONS = mt940.Options.all()
_TAG = re.compile(r"^:(?P<full>(?P<id>[0-9]{2}|NS)(?P<sub>[A-Z])?):", re.IGNORECASE)
_KNOWN = frozenset(mt_tags.TAG_BY_ID)
_ENVELOPE = re.compile(r"^\{[1-5]:")
_BLOCK4 = re.compile(r"\{4:\s*$|\{4:(?=:)")
_NO_REFERENCE = frozenset({"", "NONREF", "NOTPROVIDED"})
_OPENING = ("final_opening_balance", "opening_balance", "intermediate_opening_balance")
_CLOSING = ("final_closing_balance", "closing_balance", "intermediate_closing_balance")
_OTHER_CURRENCY = ("available_balance", "forward_available_balance")
# SWIFT transaction type codes (the ``N...`` of a ``:61:``) when nothing else names a row.
_TYPE_NAMES = {
    "BOE": "bill of exchange",
    "BRF": "brokerage fee",
    "CHG": "charges",
    "CHK": "cheque",
    "CLR": "cash letter",
    "COL": "collection",
    "COM": "commission",
    "DCR": "documentary credit",
    "DDT": "direct debit",
    "DIV": "dividend",
    "ECK": "eurocheque",
    "EQA": "equivalent amount",
    "FEX": "foreign exchange",
    "INT": "interest",
    "LBX": "lock box",
    "LDP": "loan deposit",
    "MSC": "miscellaneous",
    "RTI": "returned item",
    "SEC": "securities",
    "STO": "standing order",
    "TCK": "travellers cheque",
    "TRF": "transfer",
    "VDA": "value date adjustment",
}


@dataclass(slots=True)
class _Tag:
    full: str  # "61", "60F", "NS"
    line: int
    value_lines: list[str] = field(default_factory=list)

    @property
    def value(self) -> str:
        return "\n".join(self.value_lines).strip()

    @property
    def label(self) -> str:
        return f":{self.full}:"


class _Bad(Exception):
    def __init__(self, tag: str | None, message: str) -> None:
        self.tag = tag
        self.message = message


def looks_like_mt940(head: bytes) -> bool:
    """True when the first meaningful line of ``head`` is an MT940 tag or SWIFT envelope."""
    text = head[:4096].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf\x00\x01\x02\x03 \t\r\n")
    for line in text.splitlines()[:5]:
        line = line.strip("\x01\x02\x03 \t")
        if not line or line == "-":
            continue
        if _ENVELOPE.match(line):
            return "{4:" in text[:2048]
        match = _TAG.match(line)
        return match is not None and _tag_id(match) in _KNOWN
    return False


def _tag_id(match: re.Match[str]) -> int | str:
    tag_id = match.group("id").upper()
    return int(tag_id) if tag_id.isdigit() else tag_id


def _tags(source: TextSource) -> Iterator[_Tag]:
    """The file's tags in order, each with the lines of its value (see the module docstring)."""
    current: _Tag | None = None
    dangling_colon: int | None = None  # a line holding only ":" (a tag split over two lines)
    for number, raw_line in source.lines():
        line = raw_line.rstrip()
        if _ENVELOPE.match(line):
            block4 = _BLOCK4.search(line)
            if block4 is None:
                continue
            line = line[block4.end() :].lstrip()
            if not line:
                continue
        if line.startswith("-}") or (line.startswith("{5:") and current is not None):
            continue
        if not line.strip() or line.strip() == "-":
            continue
        if line == ":":
            dangling_colon = number
            continue
        candidate = ":" + line if dangling_colon is not None else line
        match = _TAG.match(candidate)
        if match is not None and _tag_id(match) in _KNOWN:
            if current is not None:
                yield current
            current = _Tag(
                full=match.group("full").upper(),
                line=dangling_colon or number,
                value_lines=[candidate[match.end() :]],
            )
        elif current is not None:
            if dangling_colon is not None:
                current.value_lines.append(":")
            current.value_lines.append(line)
        dangling_colon = None
    if current is not None:
        yield current


class Mt940File(TwoPassFile):
    """An MT940 file, validated by :meth:`validate` then streamed by :meth:`iter_rows`."""

    def __init__(self, data: bytes | BinaryIO) -> None:
        super().__init__()
        self.source = TextSource(data)
        self._saw_tags = False

    def _retrying(self, read: Callable[[], T]) -> T:
        return self.source.decoded(read)

    def _after_validation(self, errors: ErrorCollector) -> None:
        if not self._saw_tags:
            errors.add(None, None, "not an MT940 statement: no MT940 tag (:20:, :61:...) found")

    def _read(self, errors: ErrorCollector, warnings: list[RowError]) -> Iterator[RawTransaction]:
        self._saw_tags = False
        reader = _StatementReader(errors, warnings)
        for tag in _tags(self.source):
            self._saw_tags = True
            yield from reader.feed(tag)
        yield from reader.finish()


class _StatementReader:
    """Folds tags into statements and transactions; yields each transaction once complete."""

    def __init__(self, errors: ErrorCollector, warnings: list[RowError]) -> None:
        self.errors = errors
        self.warnings = warnings
        self.number = 0  # :61: lines seen
        self.statement_index = 1  # a file may hold transactions before any :20:
        self.numbered = RepeatNumbering()
        self._new_statement()

    def _new_statement(self) -> None:
        self.statement = mt_models.Transactions(options=_OPTIONS)
        self.account: str | None = None
        self.pending: tuple[int, int, dict[str, Any]] | None = None  # (number, line, data)
        self.pending_bad = False
        self.movements: dict[str, int] = {}
        self.had_rows = False

    # -- tags ------------------------------------------------------------------------------
    def feed(self, tag: _Tag) -> Iterator[RawTransaction]:
        tag_id = tag.full[:2] if tag.full[:2].isdigit() else tag.full
        if tag_id == "20":
            yield from self._close_statement()
            if self.statement.data or self.had_rows:
                self.statement_index += 1
            self._new_statement()
        elif tag_id == "61":
            yield from self._flush()
            self.number += 1
            self.statement.transactions.clear()  # one transaction per :61:, always
            self.pending_bad = False
            if self._parse(tag, row=self.number):
                self.had_rows = True
                data = dict(self.statement.transactions[-1].data)
                self.pending = (self.number, tag.line, data)
            else:
                self.pending_bad = True
            return
        elif tag_id == "25":
            account = tag.value.strip()
            if self.had_rows and self.account is not None and account != self.account:
                self.errors.add(
                    self.number,
                    ":25:",
                    f"line {tag.line}: a second account identification after the "
                    "statement's transactions, without a new :20: (an :86: written as :25:?)",
                )
                return
        elif tag_id in ("86", "NS") and self.pending is not None:
            if self._parse(tag, row=self.number):
                self.pending[2].update(self.statement.transactions[-1].data)
            return
        elif tag_id in ("86", "NS") and self.pending_bad:
            return
        if tag_id in ("60", "62", "64", "65", "34", "90"):
            yield from self._flush()
            self._parse_balance(tag)
            return
        yield from self._flush()
        self._parse(tag, row=None)
        if tag_id == "25":
            self.account = str(self.statement.data.get("account_identification") or "").strip()

    def finish(self) -> Iterator[RawTransaction]:
        yield from self._close_statement()

    def _parse(self, tag: _Tag, *, row: int | None) -> bool:
        """Run mt-940's parser for one tag; report a failure once, with its row and line."""
        try:
            self.statement.parse(f"{tag.label}{tag.value}")
        except (RuntimeError, ValueError, InvalidOperation, TypeError, KeyError) as exc:
            if row is None and tag.full[:2] not in ("61", "86"):
                return False  # a statement-level tag (:20:, :28C:...) carries no transaction
            self.errors.add(row, tag.label, _explain(tag, exc))
            return False
        return True

    def _parse_balance(self, tag: _Tag) -> None:
        """A balance that does not parse is dropped: it puts no transaction in doubt."""
        before = dict(self.statement.data)
        try:
            self.statement.parse(f"{tag.label}{tag.value}")
        except (RuntimeError, ValueError, InvalidOperation, TypeError, KeyError):
            self.statement.data = before
            return
        # A balance with an empty or non-numeric amount is as good as absent.
        for key, value in list(self.statement.data.items()):
            if isinstance(value, mt_models.Balance) and not isinstance(
                value.amount, mt_models.Amount
            ):
                del self.statement.data[key]

    # -- transactions ----------------------------------------------------------------------
    def _currency(self) -> str | None:
        data = self.statement.data
        for key in (*_OPENING, *_CLOSING, *_OTHER_CURRENCY):
            balance = data.get(key)
            amount = getattr(balance, "amount", None)
            currency = getattr(amount, "currency", None)
            if isinstance(currency, str) and is_currency(currency.strip().upper()):
                return currency.strip().upper()
        for key in ("c_floor_limit", "d_floor_limit"):
            currency = getattr(data.get(key), "currency", None)
            if isinstance(currency, str) and is_currency(currency.strip().upper()):
                return currency.strip().upper()
        return None

    def _flush(self) -> Iterator[RawTransaction]:
        if self.pending is None:
            return
        number, line, data = self.pending
        self.pending = None
        try:
            row = self._row(number, line, data)
        except _Bad as bad:
            self.errors.add(number, bad.tag, f"line {line}: {bad.message}")
            return
        self.movements[row.currency] = self.movements.get(row.currency, 0) + row.amount_minor
        yield row

    def _row(self, number: int, line: int, data: dict[str, Any]) -> RawTransaction:
        currency = self._currency()
        if currency is None:
            raise _Bad(
                ":60F:",
                "the statement gives no currency (no opening or closing balance such as "
                ":60F:C250131EUR100,00), so this amount cannot be read",
            )
        mark = str(data.get("status") or "").upper()
        amount = data.get("amount")
        if not isinstance(amount, mt_models.Amount) or mark not in ("C", "D", "RC", "RD"):
            raise _Bad(":61:", f"no debit/credit mark and amount (mark {mark!r})")
        try:
            minor = decimal_to_minor(abs(Decimal(amount.amount)), currency)
        except AmountError as exc:
            raise _Bad(":61:", str(exc)) from None
        if mark in ("C", "RD"):
            minor = -minor
        value_date = _as_date(data.get("date"))
        entry_date = _as_date(data.get("entry_date"))
        if value_date is None:
            raise _Bad(":61:", "no value date")

        details = str(data.get("transaction_details") or "").strip()
        purpose = _clean(data.get("purpose"))
        counterparty = _clean(data.get("applicant_name")) or _clean(data.get("recipient_name"))
        extra = _clean(data.get("extra_details"))
        customer_ref = _clean(data.get("customer_reference"))
        bank_ref = _clean(data.get("bank_reference"))
        type_code = str(data.get("id") or "").strip().upper()
        first_detail = _clean(details.split("\n", 1)[0]) if details and not purpose else None
        type_name = _TYPE_NAMES.get(type_code[1:]) if type_code else None
        descriptor = (
            counterparty
            or purpose
            or first_detail
            or extra
            or (customer_ref if (customer_ref or "").upper() not in _NO_REFERENCE else None)
            or type_name
            or "MT940 entry"
        )
        memo = purpose or (" ".join(details.split()) or None)
        account = self.account or ""
        if bank_ref and bank_ref.upper() not in _NO_REFERENCE:
            key = f"{account}:{value_date.isoformat()}:{bank_ref}:{minor}"
        else:
            key = f"{account}:" + stable_id(
                value_date,
                entry_date,
                mark,
                minor,
                currency,
                type_code,
                customer_ref,
                extra,
                details,
            )
        raw = {
            "account": account,
            "statement": self.statement.data.get("transaction_reference"),
            "line": line,
            "mark": mark,
            "amount": str(abs(Decimal(amount.amount))),
            "currency": currency,
            "value_date": value_date.isoformat(),
            "entry_date": entry_date.isoformat() if entry_date else None,
            "type_code": type_code or None,
            "customer_reference": customer_ref,
            "bank_reference": bank_ref,
            "supplementary_details": extra,
            "details": details or None,
            **{
                k: v
                for k in (
                    "transaction_code",
                    "posting_text",
                    "purpose",
                    "end_to_end_reference",
                    "applicant_iban",
                    "applicant_bin",
                )
                if (v := _clean(data.get(k)))
            },
        }
        return RawTransaction(
            external_id=self.numbered(key),
            transaction_date=entry_date or value_date,
            posted_date=entry_date,
            amount_minor=minor,
            currency=currency,
            descriptor=descriptor[:500],
            merchant_name=counterparty,
            memo=memo,
            channel=Channel.INVOICE,
            raw=raw,
            kind=code_kind("mt940_type", type_code) or Kind.PURCHASE,
        )

    def _close_statement(self) -> Iterator[RawTransaction]:
        yield from self._flush()
        self._check_balance()

    def _check_balance(self) -> None:
        data = self.statement.data
        opening = next((data[k] for k in _OPENING if k in data), None)
        closing = next((data[k] for k in _CLOSING if k in data), None)
        if opening is None or closing is None or not self.movements:
            return
        currency = self._currency()
        if currency is None:
            return
        amounts = []
        for balance in (opening, closing):
            amount = balance.amount
            if not isinstance(amount, mt_models.Amount) or (amount.currency or "") != currency:
                return
            try:
                amounts.append(decimal_to_minor(Decimal(amount.amount), currency))
            except AmountError:
                return
        # Balances are the account holder's view (credit positive); movements are ours.
        moved = -self.movements.get(currency, 0)
        if amounts[0] + moved != amounts[1]:
            account = self.account or "?"
            self.warnings.append(
                RowError(
                    None,
                    ":62F:",
                    f"statement {self.statement_index} (account {account}): the opening "
                    f"balance plus its movements is {_money(amounts[0] + moved, currency)}, "
                    f"but its closing balance says {_money(amounts[1], currency)}: "
                    "a transaction may be missing from the file",
                )
            )


def _money(minor: int, currency: str) -> str:
    return f"{Decimal(minor).scaleb(-exponent(currency))} {currency}"


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return date(value.year, value.month, value.day)
    return None


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _explain(tag: _Tag, exc: BaseException) -> str:
    where = f"line {tag.line}"
    if tag.full[:2] != "61":
        return f"{where}: {tag.label} does not parse: {describe(tag.value)}"
    if isinstance(exc, RuntimeError):  # mt-940's "Unable to parse": the layout is wrong
        return (
            f"{where}: not a valid statement line (value date YYMMDD, optional entry date "
            f"MMDD, mark C/D/RC/RD, amount with a decimal comma, type code): "
            f"{describe(tag.value)}"
        )
    # A date that does not exist (month 13) or an amount Decimal refuses.
    return f"{where}: {describe(tag.value)}: {exc}"


def open_mt940(data: bytes | BinaryIO) -> Mt940File:
    """An MT940 file over ``data`` (bytes, or a seekable binary file read from its position)."""
    return Mt940File(data)
