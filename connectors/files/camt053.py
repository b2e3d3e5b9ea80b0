"""ISO 20022 CAMT.053 bank-to-customer statements (v2..v8+) -> :class:`RawTransaction`;
CAMT.052 account reports and CAMT.054 debit/credit notifications, whose entries have the
same shape, are read alike (``Rpt`` / ``Ntfctn`` in place of ``Stmt``).

Parsed with the standard library's ElementTree through defusedxml (documents declaring a DTD
or entities are refused). One transaction per ``Ntry`` (entry), as the statement books it; its
``TxDtls`` enrich it with counterparty names, remittance text and references. A batch entry (several
``TxDtls``, each with its own amount, together making the entry's amount: a card settlement,
a collective payment) is split into one transaction per ``TxDtls``, so each purchase is
recognised on its own; its id is the entry's followed by ``/1``, ``/2``... When the parts do
not add up to the entry, the entry stays whole. Row numbers in errors are
the n-th ``Ntry`` of the file (1-based, across statements).

* Sign: ``Amt`` is unsigned; ``CdtDbtInd`` ``DBIT`` (money out) gives a positive
  ``amount_minor``, ``CRDT`` a negative one. A reversal (``RvslInd``) is booked with the
  indicator of its own direction, so the same rule holds.
* Currency: the ``Ccy`` attribute of the entry's ``Amt`` (required by the schema).
* Dates: ``transaction_date`` is the card acceptance / transaction date from ``RltdDts`` when
  present, else the booking date, else the value date; ``posted_date`` is the booking date.
* ``external_id``: ``<account>:<AcctSvcrRef>``, else ``NtryRef``, else the first TxDtls
  reference (AcctSvcrRef, TxId, EndToEndId other than ``NOTPROVIDED``, proprietary reference),
  else a hash of the entry's content; repeats in one file get ``#2``...
* Only booked entries are transactions. An entry whose status (``Sts``, or ``Sts/Cd`` from
  v8) is ``PDNG`` (pending), ``INFO`` (information only) or ``FUTR`` (future) is not imported
  and is noted as a warning with its row: the same movement is booked (``BOOK``) in a later
  statement, and importing both would double it. An entry without a status is read as booked.
  The status is kept in ``raw["status"]``.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

import defusedxml.ElementTree as defused_ET
from defusedxml import DefusedXmlException

from connectors.base import Channel, Kind, RawTransaction, stable_id
from connectors.files.errors import ErrorCollector, FileRejected, RowError
from connectors.files.ids import RepeatNumbering
from connectors.files.kinds import code_kind
from connectors.files.money import AmountError, decimal_to_minor, is_currency
from connectors.files.streamed import TwoPassFile

_NAMESPACE = re.compile(
    r"^\{(urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d+))\}Document$"
)
# The message and its per-account part in each of the three bank-to-customer messages: the
# statement (053), the intraday or end-of-day account report (052) and the debit/credit
# notification (054). Their entries (``Ntry``) have one shape.
_MESSAGES = {
    "053": ("BkToCstmrStmt", "Stmt"),
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
_AMOUNT = re.compile(r"\d{1,18}(?:\.\d{0,5})?")


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


class _Ns:
    """Path helper: ``ns("Ntry/Amt")`` -> ``{urn...}Ntry/{urn...}Amt``; ``message`` and
    ``part`` name the document's message and per-account elements (see ``_MESSAGES``)."""

    def __init__(self, uri: str, message: str = "BkToCstmrStmt", part: str = "Stmt") -> None:
        self.prefix = "{" + uri + "}"
        self.message = message
        self.part = part

    def __call__(self, path: str) -> str:
        return "/".join(
            self.prefix + part if part not in (".", "..") else part for part in path.split("/")
        )

    def text(self, element: ET.Element, path: str) -> str | None:
        found = element.find(self(path))
        if found is None or found.text is None:
            return None
        value = found.text.strip()
        return value or None


def _refuse(message: str, field: str | None = None) -> FileRejected:
    return FileRejected([RowError(None, field, message)])


class Camt053File(TwoPassFile):
    """A camt.053 file, validated by :meth:`validate` then streamed by :meth:`iter_rows`.

    Read with ``iterparse``, one entry at a time, from the bytes or straight from a seekable
    file (from its current position): each ``Ntry`` is converted and dropped when its end tag
    is read, so memory holds one entry and the parser's buffer, whatever the file's size.
    """

    def __init__(self, data: bytes | BinaryIO) -> None:
        super().__init__()
        if isinstance(data, bytes | bytearray | memoryview):
            data = io.BytesIO(bytes(data))
        self._stream: BinaryIO = data
        self._start = data.tell()

    def _read(self, errors: ErrorCollector, notes: list[RowError]) -> Iterator[RawTransaction]:
        ns: _Ns | None = None
        numbered = RepeatNumbering()
        number = index = 0
        message_seen = False
        parents: list[ET.Element] = []
        account = ""
        # The parser itself refuses a DTD or an entity declaration wherever it stands and in
        # any encoding (a byte scan of the head missed one after 4 KB of padding, or UTF-16).
        self._stream.seek(self._start)
        events = defused_ET.iterparse(self._stream, events=("start", "end"), forbid_dtd=True)
        try:
            for event, element in events:
                if event == "start":
                    if ns is None:
                        ns = _namespace(element)
                    parents.append(element)
                    continue
                parents.pop()
                assert ns is not None
                tag = element.tag
                if tag == ns(ns.message):
                    message_seen = True
                elif tag == ns("GrpHdr"):
                    if element.find(ns("MsgId")) is None:
                        note = "missing group header message id"
                        notes.append(RowError(None, "GrpHdr/MsgId", note))
                elif tag == ns("Acct") and parents and parents[-1].tag == ns(ns.part):
                    account = ns.text(element, "Id/IBAN") or ns.text(element, "Id/Othr/Id") or ""
                elif tag == ns("Ntry") and parents and parents[-1].tag == ns(ns.part):
                    number += 1
                    status = ns.text(element, "Sts/Cd") or ns.text(element, "Sts")
                    if not self.skips.check(number, "Sts", status):
                        parents[-1].remove(element)
                        continue
                    try:
                        yield from _entries(element, ns, account, numbered)
                    except _Bad as bad:
                        errors.add(number, bad.field, bad.message)
                    parents[-1].remove(element)  # done with it: free it
                elif tag == ns(ns.part):
                    index += 1
                    if ns.text(element, "Id") is None:
                        note = f"statement {index} has no Id"
                        notes.append(RowError(None, f"{ns.part}/Id", note))
                    if not account:
                        message = f"statement {index} has no account id"
                        errors.add(None, f"{ns.part}/Acct", message)
                    account = ""
                    element.clear()
        except DefusedXmlException:
            raise _refuse("XML with a DTD or entities is not accepted") from None
        except ET.ParseError as exc:
            line = exc.position[0] if exc.position else None
            errors.add(None, None, f"malformed XML (line {line}): {exc}")
            return
        message, part = (ns.message, ns.part) if ns is not None else ("BkToCstmrStmt", "Stmt")
        if not message_seen:
            raise _refuse(f"missing {message}", message)
        if index == 0:
            errors.add(None, part, f"the message holds no statement ({part})")


def _namespace(root: ET.Element) -> _Ns:
    match = _NAMESPACE.match(root.tag)
    if match is None:
        raise _refuse(f"not a camt.053/052/054 document: root element is {root.tag!r}")
    kind, version = match.group(2), int(match.group(3))
    if version < 2:
        raise _refuse(f"camt.{kind}.001.{version:02d} is not supported")
    return _Ns(match.group(1), *_MESSAGES[kind])


def parse_camt053(raw: bytes, warnings: list[RowError] | None = None) -> list[RawTransaction]:
    """Every entry of every statement in a camt.053 file, in file order (all in memory; the
    importer streams a :class:`Camt053File` instead).

    Raises :class:`FileRejected` with every error found when anything is malformed (not XML,
    not camt.053, no statement, an entry without amount, currency, indicator or date...).
    A missing message id or statement id concerns no entry: it goes to ``warnings``.
    """
    camt = Camt053File(raw)
    camt.validate()
    if warnings is not None:
        warnings.extend(camt.warnings)
    return list(camt.iter_rows())


def _date(element: ET.Element | None, ns: _Ns, field: str) -> date | None:
    if element is None:
        return None
    text = ns.text(element, "Dt") or ns.text(element, "DtTm")
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _Bad(field, f"not an ISO date: {text!r}") from None


def _detail_minor(detail: ET.Element, ns: _Ns, currency: str, indicator: str) -> int | None:
    """A ``TxDtls``'s own amount in the entry's sign convention, or None when it has none in
    the entry's currency (``Amt`` from v3, else ``AmtDtls/TxAmt/Amt``)."""
    amt = detail.find(ns("Amt"))
    if amt is None:
        amt = detail.find(ns("AmtDtls/TxAmt/Amt"))
    text = (amt.text or "").strip() if amt is not None else ""
    if amt is None or (amt.get("Ccy") or "").strip().upper() != currency:
        return None
    if _AMOUNT.fullmatch(text) is None:
        return None
    try:
        minor = decimal_to_minor(Decimal(text), currency)
    except AmountError:
        return None
    own = ns.text(detail, "CdtDbtInd") or indicator
    return minor if own == "DBIT" else -minor


def _entries(
    entry: ET.Element, ns: _Ns, account: str, numbered: RepeatNumbering
) -> list[RawTransaction]:
    """The entry as one transaction, or one per ``TxDtls`` of a batch whose parts add up."""
    whole = _entry(entry, ns, account, numbered)
    details = entry.findall(ns("NtryDtls/TxDtls"))
    if len(details) < 2:
        return [whole]
    indicator = str(whole.raw["credit_debit"])
    parts = [_detail_minor(d, ns, whole.currency, indicator) for d in details]
    if any(p is None for p in parts) or sum(p or 0 for p in parts) != whole.amount_minor:
        return [whole]
    return [
        _entry(
            entry,
            ns,
            account,
            numbered,
            detail=detail,
            minor=minor,
            part=(i, len(details), whole.external_id),
        )
        for i, (detail, minor) in enumerate(zip(details, parts, strict=True), start=1)
        if minor is not None
    ]


def _entry(
    entry: ET.Element,
    ns: _Ns,
    account: str,
    numbered: RepeatNumbering,
    *,
    detail: ET.Element | None = None,
    minor: int | None = None,
    part: tuple[int, int, str] | None = None,
) -> RawTransaction:
    """One transaction: the whole entry, or (``detail``, ``minor``, ``part``) one part of a
    batch entry, with that part's own amount, dates, counterparty and remittance."""
    entry_minor = minor
    amt = entry.find(ns("Amt"))
    if amt is None or not (amt.text or "").strip():
        raise _Bad("Amt", "the entry has no amount")
    currency = (amt.get("Ccy") or "").strip().upper()
    if not is_currency(currency):
        raise _Bad("Amt", f"missing or unknown currency attribute Ccy={amt.get('Ccy')!r}")
    text = (amt.text or "").strip()
    if _AMOUNT.fullmatch(text) is None:
        raise _Bad("Amt", f"not a camt amount: {text!r}")
    try:
        minor = decimal_to_minor(Decimal(text), currency)
    except AmountError as exc:
        raise _Bad("Amt", str(exc)) from None
    indicator = ns.text(entry, "CdtDbtInd")
    if indicator == "DBIT":
        pass
    elif indicator == "CRDT":
        minor = -minor
    else:
        raise _Bad("CdtDbtInd", f"must be CRDT or DBIT, not {indicator!r}")
    if entry_minor is not None:
        minor = entry_minor

    booked = _date(entry.find(ns("BookgDt")), ns, "BookgDt")
    value = _date(entry.find(ns("ValDt")), ns, "ValDt")
    details = [detail] if detail is not None else entry.findall(ns("NtryDtls/TxDtls"))
    first = details[0] if details else None
    accepted = None
    if first is not None:
        for path in ("RltdDts/AccptncDtTm", "RltdDts/TxDtTm", "RltdDts/IntrBkSttlmDt"):
            when = ns.text(first, path)
            if when:
                try:
                    accepted = date.fromisoformat(when[:10])
                except ValueError:
                    raise _Bad(path, f"not an ISO date: {when!r}") from None
                break
    transaction_date = accepted or booked or value
    if transaction_date is None:
        raise _Bad("BookgDt", "the entry has neither a booking date nor a value date")

    status = ns.text(entry, "Sts/Cd") or ns.text(entry, "Sts")
    counterparty = _counterparty(first, ns, indicator) if first is not None else None
    remittance = " ".join(
        (node.text or "").strip()
        for detail in details
        for node in detail.findall(ns("RmtInf/Ustrd"))
        if (node.text or "").strip()
    )
    entry_info = ns.text(entry, "AddtlNtryInf")
    tx_info = ns.text(first, "AddtlTxInf") if first is not None else None
    bank_code = (
        ns.text(entry, "BkTxCd/Prtry/Cd")
        or ns.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd")
        or ns.text(entry, "BkTxCd/Domn/Cd")
    )
    descriptor = counterparty or remittance or entry_info or tx_info or bank_code or "CAMT entry"
    memo = " | ".join(p for p in (remittance, entry_info, tx_info) if p) or None

    reference = ns.text(entry, "AcctSvcrRef") or ns.text(entry, "NtryRef")
    if reference is None and first is not None:
        for path in ("Refs/AcctSvcrRef", "Refs/TxId", "Refs/EndToEndId", "Refs/Prtry/Ref"):
            candidate = ns.text(first, path)
            if candidate and candidate.upper() != "NOTPROVIDED":
                reference = candidate
                break
    if reference is None:
        reference = stable_id(transaction_date, booked, value, minor, currency, descriptor, memo)
    key = f"{account}:{reference}"
    if part is not None:
        key = f"{part[2]}/{part[0]}"  # the whole entry's id (repeats already numbered)

    card = first is not None and first.find(ns("CardTx")) is not None
    pan = ns.text(first, "CardTx/Card/PlainCardData/Pan") if first is not None else None
    digits = "".join(c for c in pan or "" if c.isdigit())
    raw: dict[str, Any] = {
        "account": account,
        "status": status,
        "amount": text,
        "currency": currency,
        "credit_debit": indicator,
        "booking_date": booked.isoformat() if booked else None,
        "value_date": value.isoformat() if value else None,
        "bank_transaction_code": bank_code,
        "reference": reference,
        "details": len(details),
    }
    if part is not None:
        raw["batch"] = {"part": part[0], "parts": part[1], "entry_amount": text}
    return RawTransaction(
        external_id=numbered(key),
        transaction_date=transaction_date,
        posted_date=booked,
        amount_minor=minor,
        currency=currency,
        descriptor=descriptor,
        merchant_name=counterparty,
        memo=memo,
        channel=Channel.CARD if card else Channel.INVOICE,
        kind=code_kind("camt_subfamily", ns.text(entry, "BkTxCd/Domn/Fmly/SubFmlyCd"))
        or Kind.PURCHASE,
        card_last4=digits[-4:] if len(digits) >= 4 else None,
        raw=raw,
    )


def _counterparty(detail: ET.Element, ns: _Ns, indicator: str) -> str | None:
    """The other side's name: the creditor for money out, the debtor for money in."""
    side = "Cdtr" if indicator == "DBIT" else "Dbtr"
    return (
        ns.text(detail, f"RltdPties/{side}/Nm")
        or ns.text(detail, f"RltdPties/{side}/Pty/Nm")  # camt.053.001.08+
        or ns.text(detail, f"RltdPties/Ultmt{side}/Nm")
        or ns.text(detail, f"RltdPties/Ultmt{side}/Pty/Nm")
    )
