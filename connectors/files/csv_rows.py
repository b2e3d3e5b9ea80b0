"""CSV rows -> :class:`RawTransaction`: dates, amounts, signs, ids, kinds, for one header.

:func:`_row_parser` builds the per-row function with every lookup resolved up front, so the
hot loop stays flat (a million rows a run); :func:`detect_date_format` settles a file's date
format from its first rows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Literal

from connectors.base import Channel, Kind, RawTransaction
from connectors.files.csv_mapping import CsvMapping, _Plan
from connectors.files.csv_words import Direction, direction_of, split_marker
from connectors.files.kinds import code_kind, is_balance_line
from connectors.files.money import AmountError, is_currency, parse_minor
from connectors.files.text import describe

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
_DIGITS = re.compile(r"\d")


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

    When several formats read as many values (``06/01/2025`` fits month-first and day-first),
    the one whose dates span fewer days wins: a statement covers weeks, not the months apart
    the other reading scatters its rows over; month-first wins only when both span the same.
    A stray bad value does not stop detection: it is reported on its own row later. Values
    starting with an ISO date (``2024-03-01``, ``2024-03-01T10:00:00Z``) read as ISO.
    """
    sample = [v.strip() for v in values if v.strip()]
    if not sample:
        return None
    iso = sum(1 for v in sample if _ISO_PREFIX.match(v))
    if iso == len(sample):
        return "%Y-%m-%d"
    best: tuple[int, int] = (iso, 0)  # (values read, minus the days spanned)
    chosen = "%Y-%m-%d" if iso else None
    for fmt in _DATE_FORMATS[1:]:
        read: list[date] = []
        for v in sample:
            try:
                read.append(datetime.strptime(v, fmt).date())  # noqa: DTZ007 - a calendar date
            except ValueError:
                continue
        if not read:
            continue
        score = (len(read), -(max(read) - min(read)).days)
        if score > best:
            best, chosen = score, fmt
    return chosen


_LAST_SEPARATOR = re.compile(r"([.,])(\d+)\D*$")


def detect_decimal_comma(values: Sequence[str], *, delimiter: str) -> bool:
    """Whether a file's amounts use a decimal comma, from a sample of its amount cells.

    A separator followed by other than three digits at the end (``12,50``, ``-3.5``), or
    coming after the other separator (``1.234,00``), is the decimal one; the majority of such
    cells decides. With no telling cell (only ``1,234`` or whole numbers), a ``;``-separated
    file is taken as decimal-comma (the convention of the countries that write ``;``). A wrong
    guess is refused, not misread: thousands separators must group three digits.
    """
    comma = point = 0
    for value in values:
        match = _LAST_SEPARATOR.search(value)
        if match is None:
            continue
        separator, digits = match.groups()
        other = "." if separator == "," else ","
        if len(digits) != 3 or other in value[: match.start()]:
            comma += separator == ","
            point += separator == "."
    if comma or point:
        return comma > point
    return delimiter == ";"


def _row_parser(
    plan: _Plan,
    mapping: CsvMapping,
    *,
    sign: Literal["spend_positive", "spend_negative"],
    date_format: str,
    decimal_comma: bool,
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
    directions: dict[str, Direction] = {}
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

    def direction_in(cell: str) -> Direction:
        said = directions.get(cell)
        if said is None:
            said = direction_of(cell)
            if said is None:
                raise _Bad(header[i_direction], f"not a debit/credit marker: {describe(cell)}")
            if len(directions) < 1000:
                directions[cell] = said
        return said

    def amount_of(row: list[str], currency: str) -> int:
        try:
            if i_amount >= 0:
                cell = row[i_amount]
                marked: Direction | None = None
                try:
                    minor = parse_minor(cell, currency, decimal_comma=decimal_comma)
                except AmountError:
                    # "12.34 CR" / "DR 5.00": the marker says the sign.
                    number, marked = split_marker(cell)
                    if marked is None:
                        raise
                    minor = parse_minor(number, currency, decimal_comma=decimal_comma)
                if i_direction >= 0:
                    marked = direction_in(row[i_direction])
                if marked == "debit":
                    return abs(minor)
                if marked == "credit":
                    return -abs(minor)
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


def _content_id(content: str) -> str:
    """``stable_id(content)`` for one string, without its per-part generator (hot path)."""
    return hashlib.sha256(content.encode()).hexdigest()[:32]
