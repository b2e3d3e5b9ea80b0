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
import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from connectors.base import Channel, Kind, RawTransaction
from connectors.files.errors import ErrorCollector, FileRejected, RowError
from connectors.files.kinds import code_kind, is_balance_line
from connectors.files.money import AmountError, is_currency, parse_decimal, parse_minor
from connectors.files.text import TextSource

csv.field_size_limit(16 * 1024 * 1024)

Columns = tuple[str, ...]

HEADER_SEARCH_ROWS = 30
"""Rows at the top of a file searched for the header (bank exports put a preamble first)."""

SAMPLE_ROWS = 500
"""Data rows read up front to guess the date format and the sign convention."""


class CsvMapping(BaseModel):
    """Which CSV column holds which transaction field, and how to read values.

    Every column field takes one header name or a list of candidates (the first one present in
    the file wins); header names are matched case-insensitively, ignoring surrounding spaces,
    repeated spaces and ``_``. ``date`` and ``descriptor`` are required, and an amount must come
    from ``amount`` or from ``debit``/``credit`` (split columns: a debit is spend, a credit a
    refund). Serialise with ``model_dump(mode="json")``, load with ``model_validate``.

    * ``sign``: for a single ``amount`` column, whether spend is written positive (card issuers:
      Amex, Ramp, Brex, Expensify) or negative (Chase card, most banks). ``None`` (only in guessed
      mappings) means "decide from the data": negative if most non-zero amounts are negative.
    * ``direction``: optional column whose value says debit or credit (``DR``/``CR``,
      ``debit``/``credit``...); the amount's own sign is then ignored.
    * ``date_format``: a ``strptime`` format, or ``None`` to detect it from the first rows
      (month-first wins over day-first when every sampled date fits both).
    * ``decimal_comma``: ``1.234,56`` style amounts.
    * ``delimiter``/``encoding``: ``None`` to detect (``,`` ``;`` tab ``|``; UTF-8 with or
      without BOM, then cp1252, then Latin-1).
    * ``reimbursable``: optional column; a truthy value (yes/true/1/x) makes the row a
      :attr:`Channel.REIMBURSEMENT`, otherwise the row gets ``channel``.
    * ``kind``: optional column saying what a row is (Chase's ``Type``: ``Sale``, ``Return``,
      ``Payment``...); ``Payment``, ``Transfer``, ``Interest`` and ``Balance`` rows are kept
      out of spend (:class:`connectors.base.Kind`), anything else is a purchase.

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
    channel: Channel = Channel.CARD
    date_format: str | None = None
    decimal_comma: bool = False
    delimiter: str | None = None
    encoding: str | None = None

    @field_validator(
        "date",
        "descriptor",
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
        mode="before",
    )
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is not None and len(value) != 1:
            raise ValueError("delimiter must be a single character")
        return value


_UNIT_SUFFIX = re.compile(r"\s*[(\[][^)\]]{1,12}[)\]]\s*$")


def _norm(header: str) -> str:
    """Header names compared case-blind, ignoring ``_``, ``.``, repeated spaces and a unit in
    brackets at the end (``Amount (USD)``, ``Trans. Date``, ``txn_date``)."""
    text = header.replace("\ufeff", "").replace("_", " ").replace(".", " ")
    return " ".join(_UNIT_SUFFIX.sub("", text).split()).lower()


# Real export headers. Candidates after the first cover the variants each provider has shipped.
PRESETS: dict[str, CsvMapping] = {
    # Amex "Download your transactions" CSV, with "include all additional details" ticked.
    "amex": CsvMapping(
        date="Date",
        descriptor=("Appears On Your Statement As", "Description"),
        merchant_name="Description",
        amount="Amount",
        sign="spend_positive",
        memo="Extended Details",
        cardholder_name="Card Member",
        card_last4="Account #",
        id="Reference",
        # US exports are month-first, UK ones day-first: detected from the rows.
        date_format=None,
    ),
    "chase": CsvMapping(
        date="Transaction Date",
        posted_date="Post Date",
        descriptor="Description",
        amount="Amount",
        sign="spend_negative",
        memo="Memo",
        card_last4="Card",
        kind="Type",
        date_format="%m/%d/%Y",
    ),
    "generic_bank": CsvMapping(
        date=("Date", "Transaction Date", "Posting Date", "Booking Date", "Value Date"),
        posted_date=("Posting Date", "Post Date", "Posted Date", "Value Date"),
        descriptor=("Description", "Details", "Narrative", "Payee", "Transaction Description"),
        amount=("Amount", "Transaction Amount"),
        debit=("Debit", "Debit Amount", "Withdrawal", "Withdrawals", "Money Out", "Paid Out"),
        credit=("Credit", "Credit Amount", "Deposit", "Deposits", "Money In", "Paid In"),
        sign="spend_negative",
        currency=("Currency", "Currency Code"),
        memo=("Memo", "Notes"),
        id=("Transaction ID", "Bank Reference", "Reference Number", "Reference"),
        channel=Channel.INVOICE,
    ),
    "ramp": CsvMapping(
        date=("Transaction Date", "User Transaction Time", "Transaction Time", "Date"),
        posted_date=("Settlement Date", "Cleared Date", "Posted Date"),
        descriptor=("Merchant Descriptor", "Statement Descriptor", "Merchant Name", "Merchant"),
        merchant_name=("Merchant Name", "Merchant"),
        amount=("Amount", "Original Amount"),
        sign="spend_positive",
        currency=("Currency", "Currency Code", "Original Currency"),
        mcc=("Merchant Category Code", "MCC"),
        memo="Memo",
        cardholder_name=("User", "Cardholder", "Card Holder", "Employee"),
        cardholder_email=("User Email", "Email", "Cardholder Email"),
        department="Department",
        card_last4=("Card Last 4", "Card Last Four", "Last 4", "Card"),
        id=("Transaction ID", "Ramp Transaction ID", "ID"),
    ),
    "brex": CsvMapping(
        date=("Transaction Date", "Initiated Date", "Date"),
        posted_date=("Posted Date", "Posted At", "Settlement Date"),
        descriptor=("Raw Descriptor", "Merchant Descriptor", "Description", "Merchant"),
        merchant_name=("Merchant Name", "Merchant"),
        amount="Amount",
        sign="spend_positive",
        currency=("Currency", "Original Currency"),
        mcc=("MCC", "Merchant Category Code"),
        memo="Memo",
        cardholder_name=("User", "Card Member", "Cardholder", "Employee"),
        cardholder_email=("User Email", "Email"),
        department=("Department", "Budget"),
        card_last4=("Card Last Four", "Card Last 4", "Card Last Four Digits", "Card"),
        id=("Transaction ID", "Brex Transaction ID", "ID"),
    ),
    # Expensify Classic "Default CSV" and New Expensify's search download.
    "expensify": CsvMapping(
        date=("Timestamp", "Date"),
        descriptor="Merchant",
        merchant_name="Merchant",
        amount=("Original Amount", "Amount"),
        sign="spend_positive",
        currency=("Original Currency", "Currency"),
        mcc="MCC",
        memo=("Comment", "Description"),
        cardholder_email=("Email", "From", "Submitter"),
        id=("Transaction ID", "Expense ID"),
        reimbursable="Reimbursable",
        channel=Channel.REIMBURSEMENT,
    ),
}

# Header sets that identify a preset: the preset is chosen when every name of one set is present.
_SIGNATURES: dict[str, tuple[frozenset[str], ...]] = {
    "amex": (
        frozenset({"date", "description", "amount", "appears on your statement as"}),
        frozenset({"date", "description", "amount", "extended details"}),
        frozenset({"date", "description", "card member", "account #", "amount"}),
    ),
    "chase": (
        frozenset({"transaction date", "post date", "description", "type", "amount"}),
        frozenset({"card", "transaction date", "post date", "description", "amount"}),
    ),
    "expensify": (
        frozenset({"timestamp", "merchant", "amount", "reimbursable"}),
        frozenset({"merchant", "amount", "original currency", "original amount"}),
        frozenset({"date", "merchant", "from", "to", "amount", "currency", "type"}),
    ),
    "ramp": (
        frozenset({"user transaction time"}),
        frozenset({"transaction time", "merchant name", "user", "amount"}),
        frozenset({"ramp transaction id"}),
    ),
    "brex": (
        frozenset({"brex transaction id"}),
        frozenset({"card last four", "posted date", "amount"}),
    ),
}

# Header names commonly used for each field, for files nobody wrote a mapping for.
_COMMON: dict[str, Columns] = {
    "date": (
        "Transaction Date",
        "Trans Date",
        "Trans. Date",
        "Txn Date",
        "Tran Date",
        "Date",
        "Purchase Date",
        "Date of Transaction",
        "Activity Date",
        "Date Posted",
        "Effective Date",
        "Posting Date",
        "Posted Date",
        "Booking Date",
        "Value Date",
        "Timestamp",
        "Transaction Time",
    ),
    "posted_date": (
        "Post Date",
        "Posted Date",
        "Posting Date",
        "Date Posted",
        "Settlement Date",
        "Cleared Date",
    ),
    "descriptor": (
        "Merchant Descriptor",
        "Statement Descriptor",
        "Merchant Description",
        "Description",
        "Desc",
        "Transaction Description",
        "Transaction Details",
        "Txn Description",
        "Original Description",
        "Merchant",
        "Merchant Name",
        "Payee",
        "Payee Name",
        "Narrative",
        "Narration",
        "Details",
        "Particulars",
        "Name",
    ),
    "merchant_name": ("Merchant Name", "Merchant"),
    "amount": (
        "Amount",
        "Transaction Amount",
        "Txn Amount",
        "Billing Amount",
        "Charge Amount",
        "Amt",
        "Value",
        "Debit/Credit",
    ),
    "debit": ("Debit", "Debit Amount", "Withdrawal", "Withdrawals", "Money Out", "Paid Out"),
    "credit": ("Credit", "Credit Amount", "Deposit", "Deposits", "Money In", "Paid In"),
    "currency": ("Currency", "Currency Code", "Ccy"),
    "mcc": ("MCC", "Merchant Category Code"),
    "memo": ("Memo", "Notes", "Note", "Comment"),
    "cardholder_name": ("Cardholder", "Card Holder", "Card Member", "Cardmember", "User"),
    "cardholder_email": ("Email", "User Email", "Cardholder Email", "Employee Email"),
    "department": ("Department", "Dept", "Cost Center", "Cost Centre"),
    "card_last4": ("Card Last 4", "Card Last Four", "Last 4", "Card Number", "Card"),
    "id": ("Transaction ID", "Transaction Reference", "Reference Number", "Reference", "ID"),
    "kind": ("Type", "Transaction Type", "Txn Type"),
}

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%Y/%m/%d",
    "%m-%d-%Y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %d, %Y",
    "%d %B %Y",
    "%B %d, %Y",
    "%Y%m%d",
)
_ISO_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|$)")
_TRUTHY = frozenset({"yes", "y", "true", "t", "1", "x", "reimbursable"})
_DEBIT_WORDS = frozenset({"debit", "dr", "d", "db", "dbit", "withdrawal", "charge", "sale"})
_CREDIT_WORDS = frozenset({"credit", "cr", "c", "crdt", "deposit", "refund", "return"})
_DIGITS = re.compile(r"\d")


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
        # description does not. Score: how many lines share the commonest non-zero count.
        nonzero = [c for c in counts if c]
        if not nonzero:
            continue
        common = max(set(nonzero), key=lambda c: (nonzero.count(c), c))
        score = (nonzero.count(common), common)
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


_OPTIONAL = (
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
)


def _find(index: dict[str, int], candidates: Columns) -> int:
    for name in candidates:
        i = index.get(_norm(name), -1)
        if i >= 0:
            return i
    return -1


def _missing(mapping: CsvMapping, header: Sequence[str]) -> list[str]:
    """What a header row lacks for ``mapping`` (empty when it is usable)."""
    index = _header_index(header)
    missing = []
    if _find(index, mapping.date) < 0:
        missing.append(f"date (one of {list(mapping.date)})")
    if all(_find(index, (c,)) < 0 for c in mapping.descriptor):
        missing.append(f"descriptor (one of {list(mapping.descriptor)})")
    has_amount = _find(index, mapping.amount) >= 0
    has_split = _find(index, mapping.debit) >= 0 or _find(index, mapping.credit) >= 0
    if not (has_amount or has_split):
        wanted = [*mapping.amount, *mapping.debit, *mapping.credit]
        missing.append(f"amount or debit/credit (one of {wanted})")
    return missing


def _header_index(header: Sequence[str]) -> dict[str, int]:
    index: dict[str, int] = {}
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


def detect_preset(header: Sequence[str], filename: str | None = None) -> str | None:
    """The preset whose signature headers are all present, or ``None``.

    A provider's name in ``filename`` (``amex``, ``chase``, ``ramp``, ``brex``, ``expensify``)
    wins when that preset can read the header.
    """
    names = {_norm(h) for h in header}
    if filename:
        lowered = filename.lower()
        for preset in ("amex", "chase", "ramp", "brex", "expensify"):
            if preset in lowered and not _missing(PRESETS[preset], header):
                return preset
    for preset, signatures in _SIGNATURES.items():
        if any(sig <= names for sig in signatures):
            return preset
    # Bank exports: a running balance or split debit/credit columns, readable by the preset.
    bank_markers = {"balance", "running balance", *map(_norm, PRESETS["generic_bank"].debit)}
    if names & bank_markers and not _missing(PRESETS["generic_bank"], header):
        return "generic_bank"
    return None


def guess_mapping(header: Sequence[str]) -> CsvMapping | None:
    """A mapping built from common header names, or ``None`` if date/descriptor/amount lack."""
    index = _header_index(header)
    chosen: dict[str, Any] = {}
    for field_name, candidates in _COMMON.items():
        i = _find(index, candidates)
        if i >= 0:
            chosen[field_name] = (header[i].strip(),)
    if "posted_date" in chosen and chosen.get("date") == chosen["posted_date"]:
        del chosen["posted_date"]
    if "merchant_name" in chosen and chosen.get("descriptor") == chosen["merchant_name"]:
        del chosen["merchant_name"]
    if "date" not in chosen or "descriptor" not in chosen:
        return None
    if not ({"amount", "debit", "credit"} & chosen.keys()):
        return None
    return CsvMapping(sign=None, **chosen)


# --------------------------------------------------------------------------------------------
# Parsing rows


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def _date_parser(fmt: str | None, field: str) -> Callable[[str], date]:
    cache: dict[str, date] = {}

    def parse(text: str) -> date:
        hit = cache.get(text)
        if hit is not None:
            return hit
        value = text.strip()
        if not value:
            raise _Bad(field, "date is empty")
        try:
            if fmt is None or (fmt == "%Y-%m-%d" and _ISO_PREFIX.match(value)):
                result = date.fromisoformat(value[:10])
            else:
                result = datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            raise _Bad(field, f"not a date in format {fmt or 'YYYY-MM-DD'}: {text!r}") from None
        if len(cache) < 100_000:
            cache[text] = result
        return result

    return parse


def detect_date_format(values: Sequence[str]) -> str | None:
    """The format of a fixed list that reads the most non-empty values, or ``None`` if none.

    Ties go to the earlier format, so month-first wins over day-first when every sampled date
    fits both. A stray bad value does not stop detection: it is reported on its own row later.
    Values starting with an ISO date (``2024-03-01``, ``2024-03-01T10:00:00Z``) read as ISO.
    """
    sample = [v.strip() for v in values if v.strip()]
    if not sample:
        return None
    best, best_count = None, 0
    iso = sum(1 for v in sample if _ISO_PREFIX.match(v))
    if iso:
        best, best_count = "%Y-%m-%d", iso
    if best_count == len(sample):
        return best
    for fmt in _DATE_FORMATS[1:]:
        count = 0
        for v in sample:
            try:
                datetime.strptime(v, fmt)  # noqa: DTZ007 - only checking the shape
            except ValueError:
                continue
            count += 1
        if count > best_count:
            best, best_count = fmt, count
            if count == len(sample):
                break
    return best


def _row_parser(
    plan: _Plan,
    mapping: CsvMapping,
    *,
    sign: Literal["spend_positive", "spend_negative"],
    date_format: str,
    default_currency: str,
    build: bool = True,
) -> Callable[[list[str]], RawTransaction | None]:
    """Build the per-row function; all lookups are resolved here so the hot loop stays flat.

    With ``build=False`` the function only checks what can fail (dates, amount, currency,
    descriptor, column count) and returns ``None``: the validation pass then costs a fraction
    of a full parse. Both raise ``_Bad`` for the same rows.
    """
    header = plan.header
    width = len(header)
    # Absent columns point at an empty cell appended to every row, so the hot loop never
    # branches on "is this column mapped".
    blank = width

    def at(i: int) -> int:
        return blank if i < 0 else i

    parse_date = _date_parser(date_format, header[plan.date])
    parse_posted = (
        _date_parser(date_format, header[plan.posted_date]) if plan.posted_date >= 0 else None
    )
    negate = sign == "spend_negative"
    decimal_comma = mapping.decimal_comma
    seen: dict[str, int] = {}
    channel_default = mapping.channel
    i_amount, i_debit, i_credit, i_direction = plan.amount, plan.debit, plan.credit, plan.direction
    i_currency = plan.currency
    i_date, i_posted = plan.date, plan.posted_date
    j_merchant, j_mcc, j_memo = at(plan.merchant_name), at(plan.mcc), at(plan.memo)
    j_posted = at(plan.posted_date)
    j_name, j_email, j_holder = (
        at(plan.cardholder_name),
        at(plan.cardholder_email),
        at(plan.cardholder_id),
    )
    j_dept, j_last4, j_id, j_reimb = (
        at(plan.department),
        at(plan.card_last4),
        at(plan.id),
        at(plan.reimbursable),
    )
    has_reimbursable = plan.reimbursable >= 0
    i_kind = plan.kind
    kinds_by_word: dict[str, Kind] = {}
    amount_cells = tuple(i for i in (i_amount, i_debit, i_credit) if i >= 0)
    descriptor_cols = plan.descriptor
    fallback_cols = tuple(i for i in (plan.merchant_name, plan.memo) if i >= 0)
    known_currency: dict[str, bool] = {}
    amount_column = header[
        i_amount if i_amount >= 0 else (i_debit if i_debit >= 0 else max(i_credit, 0))
    ]

    def to_minor(text: str, currency: str) -> int:
        return parse_minor(text, currency, decimal_comma=decimal_comma)

    def amount_of(row: list[str], currency: str) -> int:
        try:
            if i_amount >= 0:
                minor = parse_minor(row[i_amount], currency, decimal_comma=decimal_comma)
                if i_direction >= 0:
                    word = row[i_direction].strip().lower()
                    if word in _DEBIT_WORDS:
                        return abs(minor)
                    if word in _CREDIT_WORDS:
                        return -abs(minor)
                    raise _Bad(header[i_direction], f"not a debit/credit marker: {word!r}")
                return -minor if negate else minor
            debit = row[i_debit].strip() if i_debit >= 0 else ""
            credit = row[i_credit].strip() if i_credit >= 0 else ""
            if not debit and not credit:
                raise _Bad(amount_column, "both debit and credit are empty")
            total = abs(to_minor(debit, currency)) if debit else 0
            if credit:
                total -= abs(to_minor(credit, currency))
            return total
        except AmountError as exc:
            raise _Bad(amount_column, str(exc)) from None

    def parse(row: list[str]) -> RawTransaction | None:
        if len(row) != width:
            if len(row) > width and any(v.strip() for v in row[width:]):
                raise _Bad("", f"row has {len(row)} columns, the header has {width}")
            row = (row + [""] * width)[:width]
        transaction_date = parse_date(row[i_date])
        posted = None
        if parse_posted is not None and row[i_posted].strip():
            posted = parse_posted(row[i_posted])
        currency = default_currency
        if i_currency >= 0:
            code = row[i_currency].strip().upper()
            if code:
                ok = known_currency.get(code)
                if ok is None:
                    ok = known_currency[code] = is_currency(code)
                if not ok:
                    raise _Bad(header[i_currency], f"not an ISO 4217 currency: {code!r}")
                currency = code
        descriptor = ""
        for i in descriptor_cols:
            descriptor = row[i].strip()
            if descriptor:
                break
        else:
            for i in fallback_cols:
                descriptor = row[i].strip()
                if descriptor:
                    break
            else:
                raise _Bad(header[descriptor_cols[0]], "descriptor is empty")
        kind = Kind.PURCHASE
        if i_kind >= 0 and (written := row[i_kind].strip()):
            kind = kinds_by_word.get(written) or kinds_by_word.setdefault(
                written, code_kind("csv_type_values", written) or Kind.PURCHASE
            )
        if not any(row[i].strip() for i in amount_cells) and is_balance_line(descriptor):
            # "Beginning balance as of ...": a statement line, not a transaction.
            amount_minor, kind = 0, Kind.BALANCE
        else:
            amount_minor = amount_of(row, currency)
        if not build:
            return None

        raw = dict(zip(header, row, strict=True))
        row.append("")
        merchant = row[j_merchant].strip() or None
        memo = row[j_memo].strip() or None
        name = row[j_name].strip() or None
        email = row[j_email].strip() or None
        last4: str | None = row[j_last4].strip()
        if last4 and not (len(last4) == 4 and last4.isdigit()):
            digits = "".join(_DIGITS.findall(last4))
            last4 = digits[-4:] if len(digits) >= 4 else None
        last4 = last4 or None
        mcc: str | None = row[j_mcc].strip()
        if mcc:
            mcc = mcc.zfill(4) if mcc.isdigit() and len(mcc) <= 4 else None
        mcc = mcc or None
        channel = channel_default
        if has_reimbursable:
            reimbursable = row[j_reimb].strip().lower() in _TRUTHY
            channel = Channel.REIMBURSEMENT if reimbursable else Channel.CARD
        key = row[j_id].strip().strip("'\"")
        if not key:
            # The cells as written (not the parsed dates): cheaper, and just as stable.
            key = _content_id(
                f"{row[i_date]}\x1f{row[j_posted]}\x1f{amount_minor}\x1f{currency}\x1f"
                f"{descriptor}\x1f{row[j_merchant]}\x1f{row[j_memo]}\x1f{row[j_name]}\x1f"
                f"{row[j_email]}\x1f{row[j_last4]}"
            )
        n = seen.get(key, 0) + 1
        seen[key] = n
        # Positional, in connectors.base.RAW_TRANSACTION_FIELDS order: keyword arguments
        # double the cost of this call.
        return RawTransaction(
            key if n == 1 else f"{key}#{n}",
            transaction_date,
            amount_minor,
            currency,
            descriptor,
            posted,
            merchant,
            mcc,
            memo,
            channel,
            row[j_holder].strip() or email,
            name,
            email,
            row[j_dept].strip() or None,
            last4,
            False,
            raw,
            kind,
        )

    return parse


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
    ) -> None:
        self.source = source
        self.mapping = mapping
        self.preset = preset
        self.header_row = header_row
        self.default_currency = default_currency
        self.row_count: int | None = None
        self.date_format = mapping.date_format
        self.sign = mapping.sign

    def _data_rows(self) -> Iterator[list[str]]:
        rows = self.source.rows()
        for _ in range(self.header_row + 1):
            next(rows, None)
        return rows

    def _settle_defaults(self, plan: _Plan) -> list[RowError]:
        """Decide date format and sign from the first rows when the mapping leaves them open."""
        if self.date_format is not None and self.sign is not None:
            return []
        sample: list[list[str]] = []
        for row in self._data_rows():
            if any(v.strip() for v in row):
                sample.append(row)
            if len(sample) >= SAMPLE_ROWS:
                break
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
                        value = parse_decimal(text, decimal_comma=self.mapping.decimal_comma)
                    except AmountError:
                        continue
                    negatives += value < 0
                    positives += value > 0
            self.sign = "spend_negative" if negatives > positives else "spend_positive"
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
            default_currency=self.default_currency,
            build=build,
        )

    def _header(self) -> list[str]:
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
        errors = ErrorCollector()
        count = 0
        for number, row in enumerate(self._data_rows(), start=1):
            if not any(row):
                continue
            try:
                parse(row)
            except _Bad as bad:
                if _blank(row):
                    continue
                errors.add(number, bad.field or None, bad.message)
            count += 1
        if count == 0:
            errors.add(None, None, "the file has a header but no transactions")
        errors.raise_if_any()
        self.row_count = count
        return count

    def iter_rows(self) -> Iterator[RawTransaction]:
        """Yield every transaction in file order (re-reads the file; call after validate)."""
        if self.row_count is None:
            self.validate()
        parse = self._parser()
        for number, row in enumerate(self._data_rows(), start=1):
            if not any(row):
                continue
            try:
                transaction = parse(row)
            except _Bad as bad:
                if _blank(row):
                    continue
                raise FileRejected([RowError(number, bad.field or None, bad.message)]) from None
            assert transaction is not None
            yield transaction


def _content_id(content: str) -> str:
    """``stable_id(content)`` for one string, without its per-part generator (hot path)."""
    return hashlib.sha256(content.encode()).hexdigest()[:32]


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

    for i, row in enumerate(candidates):
        if sum(1 for v in row if v.strip()) < 2:
            continue
        if chosen is not None:
            if not _missing(chosen, row):
                return CsvFile(
                    source, chosen, preset=preset, header_row=i, default_currency=default_currency
                )
            continue
        detected = detect_preset(row, filename)
        if detected is not None:
            return CsvFile(
                source,
                PRESETS[detected],
                preset=detected,
                header_row=i,
                default_currency=default_currency,
            )
        guessed = guess_mapping(row)
        if guessed is not None:
            return CsvFile(
                source, guessed, preset=None, header_row=i, default_currency=default_currency
            )

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


MAPPING_HELP = (
    "a JSON object naming the columns, e.g. "
    '{"date": "Posted", "descriptor": "Payee", "amount": "Amount", "sign": "spend_negative"} '
    '(or "debit"/"credit" for split columns; optional "currency", "memo", "cardholder_name", '
    '"cardholder_email", "department", "card_last4", "id", "kind", "date_format": "%d/%m/%Y", '
    '"decimal_comma": true); pass it with --mapping FILE, or as the upload\'s mapping field, '
    "and it is saved on the connection for the next file"
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
