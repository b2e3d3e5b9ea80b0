"""BAI2 cash-management files -> :class:`RawTransaction`, read with the ``bai2`` package.

The file is streamed: the package's record builder joins continuation records (``88``) and
its record parsers read each record; the structure (file/group/account headers and trailers)
and every trailer's record count and control total are checked here as the package checks
them, record by record, so memory holds one record (the package's own document of a 50 MB
file takes 750 MiB). Any failure rejects the whole file. One transaction per type-16 detail
record; row numbers in errors are the n-th detail record of the file (1-based), and messages
give the line.

* Amounts are integers with the decimals implied by the currency, which is exactly minor
  units; detail amounts are unsigned and the type code says the direction: debit codes
  (400-699) give a positive ``amount_minor``, credit codes (100-399) a negative one. Codes the
  package marks neither (e.g. 890, non-monetary information) are kept as positive.

**Lenient**: a type code the ``bai2`` package does not know, in an account's summary or status
fields (``03``/``88``: balances and totals, no transaction), or in a detail (``16``) whose code
lies in the credit (100-399) or debit (400-699) range, which gives its sign; a missing final
newline or ``/``, CRLF, blank lines. **Strict**: a detail with an unknown code outside those
ranges (its sign cannot be known), a blank detail amount, and any failed structure check
(record counts, control totals, a missing trailer): the file is refused.
* Currency: the account's, else the group's (BAI2 defaults to USD).
* ``transaction_date``: the value date of value-dated funds, else the group's as-of date;
  ``posted_date`` is the as-of date.
* ``external_id``: ``<account>:<bank reference>``, else the customer reference, else a hash of
  the record; repeats within one file get ``#2``...
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, BinaryIO

from connectors.base import Channel, Kind, RawTransaction, stable_id
from connectors.files.errors import ErrorCollector, RowError
from connectors.files.ids import RepeatNumbering
from connectors.files.kinds import words_kind
from connectors.files.money import is_currency
from connectors.files.streamed import T, TwoPassFile
from connectors.files.text import TextSource


@cache
def _lenient_type_codes() -> None:
    """Make the ``bai2`` package read type codes it does not know instead of refusing the
    file: a synthetic code, credit or debit by the spec's ranges, neither elsewhere (the
    detail is then refused by :func:`parse_bai2`). Known codes read exactly as before."""
    from bai2 import parsers
    from bai2.constants import TypeCode, TypeCodeLevel, TypeCodeTransaction
    from bai2.utils import parse_type_code

    def type_code(value: str) -> Any:
        try:
            return parse_type_code(value)
        except Exception:  # NotSupportedYetException
            number = int(value) if value.strip().isdigit() else -1
            transaction = None
            if 100 <= number <= 399:
                transaction = TypeCodeTransaction.credit
            elif 400 <= number <= 699:
                transaction = TypeCodeTransaction.debit
            return TypeCode(value, transaction, TypeCodeLevel.detail, None)

    for parser, attribute in (
        (parsers.TransactionDetailParser, "head_fields_config"),
        (parsers.AccountIdentifierParser, "summary_fields_config"),
    ):
        setattr(
            parser,
            attribute,
            [
                ("type_code", type_code) if isinstance(c, tuple) and c[0] == "type_code" else c
                for c in getattr(parser, attribute)
            ],
        )


class _One:
    """The iterator a ``bai2`` record parser reads: exactly one record."""

    def __init__(self, record: Any) -> None:
        self.current_record = record

    def advance(self) -> None:
        raise StopIteration


@dataclass
class _Section:
    """An open file (01), group (02) or account (03): what its trailer must agree with."""

    line: int
    records: int = 1  # its header record's rows so far
    total: int = 0  # control total: amounts of its summaries and details, or its children
    children: int = 0


class Bai2File(TwoPassFile):
    """A BAI2 file, checked record by record (structure, record counts and control totals
    of every account, group and file, as the ``bai2`` package checks them) and streamed:
    memory holds one record, whatever the file's size."""

    def __init__(self, data: bytes | BinaryIO) -> None:
        super().__init__()
        self.source = TextSource(data, encoding=None)

    def _retrying(self, read: Callable[[], T]) -> T:
        return self.source.decoded(read)

    def _read(self, errors: ErrorCollector, notes: list[RowError]) -> Iterator[RawTransaction]:
        from bai2 import parsers
        from bai2.constants import RecordCode
        from bai2.helpers import record_generator

        _lenient_type_codes()
        numbered = RepeatNumbering()
        number = 0
        lines = ((n, text.strip()) for n, text in self.source.lines() if text.strip())
        numbers: deque[int] = deque()  # line numbers of the records read, oldest first

        def codes() -> Iterator[str]:
            for n, text in lines:
                numbers.append(n)
                yield text

        file: _Section | None = None
        group: _Section | None = None
        account: _Section | None = None
        as_of: date | None = None
        group_currency = "USD"
        account_id, currency = "", "USD"
        saw_any = False
        try:
            for record in record_generator(codes()):
                saw_any = True
                rows = len(record.rows)
                line = numbers[0] if numbers else 0
                for _ in range(min(rows, len(numbers))):
                    numbers.popleft()
                code = record.code
                where = f"line {line}"
                if code == RecordCode.file_header:
                    parsers.Bai2FileHeaderParser(_One(record)).parse()
                    file = _Section(line, rows)
                    continue
                if file is None:
                    raise _Broken(where, "the file does not start with a file header (01)")
                file.records += rows
                if code == RecordCode.group_header:
                    header = parsers.GroupHeaderParser(_One(record)).parse()
                    group = _Section(line, rows)
                    as_of = header.as_of_date
                    group_currency = (header.currency or "USD").strip().upper()
                    continue
                if group is None:
                    if code == RecordCode.file_trailer:
                        _close(parsers.Bai2FileTrailerParser(_One(record)).parse(), file, "file")
                        file = None
                        continue
                    raise _Broken(where, f"a {code.value} record outside a group (02 ... 98)")
                group.records += rows
                if code == RecordCode.account_identifier:
                    header = parsers.AccountIdentifierParser(_One(record)).parse()
                    account = _Section(line, rows)
                    account.total = sum(s.amount or 0 for s in header.summary_items)
                    account_id = str(header.customer_account_number or "").strip()
                    currency = (header.currency or group_currency).strip().upper()
                    continue
                if account is None:
                    if code == RecordCode.group_trailer:
                        trailer = parsers.GroupTrailerParser(_One(record)).parse()
                        _close(trailer, group, "group")
                        file.total += trailer.group_control_total or 0
                        file.children += 1
                        group = None
                        continue
                    raise _Broken(where, f"a {code.value} record outside an account (03 ... 49)")
                account.records += rows
                if code == RecordCode.transaction_detail:
                    detail = parsers.TransactionDetailParser(_One(record)).parse()
                    account.total += detail.amount or 0
                    number += 1
                    try:
                        yield _row(detail, number, account_id, currency, as_of, numbered)
                    except _BadRow as bad:
                        errors.add(number, bad.field, f"{where}: {bad.message}")
                    continue
                if code == RecordCode.account_trailer:
                    trailer = parsers.AccountTrailerParser(_One(record)).parse()
                    _close(trailer, account, "account")
                    group.total += trailer.account_control_total or 0
                    group.children += 1
                    account = None
                    continue
                raise _Broken(where, f"a {code.value} record inside an account")
        except _Broken as broken:
            errors.add(None, None, f"malformed BAI2: {broken.where}: {broken.message}")
            return
        except Exception as exc:  # the package raises many kinds
            errors.add(None, None, f"malformed BAI2 ({type(exc).__name__}): {str(exc)[:120]}")
            return
        if not saw_any:
            errors.add(None, None, "the file is empty")
        elif file is not None:
            errors.add(None, None, "malformed BAI2: the file ends before its trailer (99)")


class _Broken(Exception):
    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message


class _BadRow(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def _close(trailer: Any, section: _Section, what: str) -> None:
    """A trailer must count its section's records, total its amounts, count its children."""
    expected_records = trailer.number_of_records
    if expected_records is not None and expected_records != section.records:
        raise _Broken(
            f"the {what} opened on line {section.line}",
            f"its trailer counts {expected_records} records, the {what} has {section.records}",
        )
    total = getattr(trailer, f"{what}_control_total", None)
    if total is not None and total != section.total:
        raise _Broken(
            f"the {what} opened on line {section.line}",
            f"invalid {what} control total: the trailer says {total}, the amounts add up to "
            f"{section.total}",
        )
    children = getattr(trailer, "number_of_accounts", None) or getattr(
        trailer, "number_of_groups", None
    )
    if children is not None and children != section.children:
        kind = "accounts" if what == "group" else "groups"
        raise _Broken(
            f"the {what} opened on line {section.line}",
            f"its trailer counts {children} {kind}, it has {section.children}",
        )


def _row(
    detail: Any,
    number: int,
    account_id: str,
    currency: str,
    as_of: date | None,
    numbered: RepeatNumbering,
) -> RawTransaction:
    from bai2.constants import TypeCodeTransaction

    if not is_currency(currency):
        raise _BadRow("currency", f"unknown currency {currency!r}")
    if detail.amount is None:
        raise _BadRow("amount", "the detail record has no amount")
    transaction = detail.type_code.transaction
    if detail.type_code.description is None and transaction is None:
        raise _BadRow(
            "type_code",
            f"type code {detail.type_code.code!r} is not a BAI2 code and lies outside the "
            "credit (100-399) and debit (400-699) ranges: its sign is unknown",
        )
    minor = int(detail.amount)
    minor = -minor if transaction == TypeCodeTransaction.credit else minor
    availability: dict[str, Any] = dict(detail.availability or {})
    value_date = availability.get("date")
    transaction_date = value_date if isinstance(value_date, date) else as_of
    if transaction_date is None:
        raise _BadRow("as_of_date", "no date for the record")
    text_field = (detail.text or "").strip() or None
    bank_ref = (detail.bank_reference or "").strip() or None
    customer_ref = (detail.customer_reference or "").strip() or None
    descriptor = text_field or detail.type_code.description or detail.type_code.code
    reference = (
        bank_ref
        or customer_ref
        or stable_id(transaction_date, detail.type_code.code, minor, currency, text_field)
    )
    return RawTransaction(
        external_id=numbered(f"{account_id}:{reference}"),
        transaction_date=transaction_date,
        posted_date=as_of,
        amount_minor=minor,
        currency=currency,
        descriptor=descriptor,
        memo=detail.type_code.description,
        channel=Channel.INVOICE,
        kind=words_kind("bai2_description_words", detail.type_code.description) or Kind.PURCHASE,
        raw={
            "account": account_id,
            "type_code": detail.type_code.code,
            "amount": str(detail.amount),
            "bank_reference": bank_ref,
            "customer_reference": customer_ref,
            "text": text_field,
        },
    )


def parse_bai2(raw: bytes) -> list[RawTransaction]:
    """Every detail record of every account in a BAI2 file, in file order (all in memory;
    the importer streams a :class:`Bai2File`). Raises :class:`FileRejected` when the file
    does not parse or fails its integrity checks."""
    bai2_file = Bai2File(raw)
    bai2_file.validate()
    return list(bai2_file.iter_rows())
