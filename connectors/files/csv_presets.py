"""The CSV exports we know (presets), how each is recognised from its header, and the header
names commonly used for each field in files nobody wrote a mapping for."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connectors.base import Channel
from connectors.files.csv_mapping import CsvMapping, _find, _header_index, _missing, _norm
from connectors.files.csv_words import common_headers

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

# Header names commonly used for each field, for files nobody wrote a mapping for (data).
_COMMON: dict[str, tuple[str, ...]] = common_headers()

DESCRIPTOR_FALLBACKS = 3
"""Descriptor columns a guessed mapping keeps, best first: a row whose payee is empty (a bank
fee, a card's own charges) takes its description from the next one."""


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
    bank_markers = {
        "balance",
        "running balance",
        *(_norm(str(c)) for c in PRESETS["generic_bank"].debit),
    }
    if names & bank_markers and not _missing(PRESETS["generic_bank"], header):
        return "generic_bank"
    return None


def guess_mapping(header: Sequence[str]) -> CsvMapping | None:
    """A mapping built from common header names, or ``None`` if date/descriptor/amount lack.

    The amount comes from an amount column (with a debit/credit indicator column when there
    is one), else from debit/credit columns, else from an indicator-named column holding the
    signed amount (``Debit/Credit``). Up to :data:`DESCRIPTOR_FALLBACKS` descriptor columns
    are kept in order of preference.
    """
    index = _header_index(header)
    chosen: dict[str, Any] = {}
    for field_name, candidates in _COMMON.items():
        if field_name == "descriptor":
            found = []
            for name in candidates:
                i = _find(index, (name,))
                if i >= 0 and header[i].strip() not in found:
                    found.append(header[i].strip())
            if found:
                chosen["descriptor"] = tuple(found[:DESCRIPTOR_FALLBACKS])
            continue
        i = _find(index, candidates)
        if i >= 0:
            chosen[field_name] = (header[i].strip(),)
    if "posted_date" in chosen and chosen.get("date") == chosen["posted_date"]:
        del chosen["posted_date"]
    first_descriptor = chosen.get("descriptor", ("",))[:1]
    for field_name in ("merchant_name", "memo", "kind"):
        if chosen.get(field_name) == first_descriptor:
            del chosen[field_name]
    if "direction" in chosen and not ({"amount", "debit", "credit"} & chosen.keys()):
        chosen["amount"] = chosen.pop("direction")
    if "date" not in chosen or "descriptor" not in chosen:
        return None
    if not ({"amount", "debit", "credit"} & chosen.keys()):
        return None
    return CsvMapping(sign=None, **chosen)
