"""BAI2 cash-management files -> :class:`RawTransaction`, parsed by the ``bai2`` package.

The package checks the structure (file/group/account headers and trailers, record counts and
control totals); any failure rejects the whole file. One transaction per type-16 detail record;
row numbers in errors are the n-th detail record of the file (1-based).

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

from datetime import date
from functools import cache
from typing import Any

from connectors.base import Channel, Kind, RawTransaction, stable_id
from connectors.files.errors import FileRejected, RowError
from connectors.files.ids import RepeatNumbering
from connectors.files.kinds import words_kind
from connectors.files.money import is_currency


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


def parse_bai2(raw: bytes) -> list[RawTransaction]:
    """Every detail record of every account in a BAI2 file, in file order.

    Raises :class:`FileRejected` when the file does not parse or fails its integrity checks.
    """
    from bai2 import bai2 as bai2_parser
    from bai2.constants import TypeCodeTransaction

    _lenient_type_codes()

    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    if not text.strip():
        raise FileRejected([RowError(None, None, "the file is empty")])
    try:
        document = bai2_parser.parse_from_string(text)
    except Exception as exc:  # the package raises many kinds
        kind = type(exc).__name__
        raise FileRejected([RowError(None, None, f"malformed BAI2 ({kind}): {exc}")]) from None

    rows: list[RawTransaction] = []
    errors: list[RowError] = []
    numbered = RepeatNumbering()
    number = 0
    for group in document.children:
        as_of: date | None = group.header.as_of_date
        group_currency = (group.header.currency or "USD").strip().upper()
        for account in group.children:
            account_id = str(account.header.customer_account_number or "").strip()
            currency = (account.header.currency or group_currency).strip().upper()
            for detail in account.children:
                number += 1
                if not is_currency(currency):
                    errors.append(RowError(number, "currency", f"unknown currency {currency!r}"))
                    continue
                if detail.amount is None:
                    errors.append(RowError(number, "amount", "the detail record has no amount"))
                    continue
                transaction = detail.type_code.transaction
                if detail.type_code.description is None and transaction is None:
                    errors.append(
                        RowError(
                            number,
                            "type_code",
                            f"type code {detail.type_code.code!r} is not a BAI2 code and lies "
                            "outside the credit (100-399) and debit (400-699) ranges: its "
                            "sign is unknown",
                        )
                    )
                    continue
                minor = int(detail.amount)
                minor = -minor if transaction == TypeCodeTransaction.credit else minor
                availability: dict[str, Any] = dict(detail.availability or {})
                value_date = availability.get("date")
                transaction_date = value_date if isinstance(value_date, date) else as_of
                if transaction_date is None:
                    errors.append(RowError(number, "as_of_date", "no date for the record"))
                    continue
                text_field = (detail.text or "").strip() or None
                bank_ref = (detail.bank_reference or "").strip() or None
                customer_ref = (detail.customer_reference or "").strip() or None
                descriptor = text_field or detail.type_code.description or detail.type_code.code
                reference = (
                    bank_ref
                    or customer_ref
                    or stable_id(
                        transaction_date, detail.type_code.code, minor, currency, text_field
                    )
                )
                key = f"{account_id}:{reference}"
                rows.append(
                    RawTransaction(
                        external_id=numbered(key),
                        transaction_date=transaction_date,
                        posted_date=as_of,
                        amount_minor=minor,
                        currency=currency,
                        descriptor=descriptor,
                        memo=detail.type_code.description,
                        channel=Channel.INVOICE,
                        kind=words_kind("bai2_description_words", detail.type_code.description)
                        or Kind.PURCHASE,
                        raw={
                            "account": account_id,
                            "type_code": detail.type_code.code,
                            "amount": str(detail.amount),
                            "bank_reference": bank_ref,
                            "customer_reference": customer_ref,
                            "text": text_field,
                        },
                    )
                )
    if errors:
        raise FileRejected(errors)
    return rows
