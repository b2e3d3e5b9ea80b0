"""OFX / QFX statements (OFX 1.x SGML and 2.x XML) -> :class:`RawTransaction`, via ofxtools.

ofxtools reads the header and the markup and checks every value against the OFX spec. Each
``STMTTRN`` is converted on its own so one bad transaction is reported with its number (the
n-th ``STMTTRN`` of the file, 1-based), and each statement's other parts (currency, account,
balances) are checked too; any error rejects the file.

Choices, documented because files in the wild differ from the spec:

* Length limits of OFX strings (``NAME`` is 32 characters, ``BANKID`` 9) are not enforced,
  and elements written out of the spec's order are put back in order: banks routinely do
  both and neither changes the meaning.
* A body without the OFX header (a bare ``<OFX>`` document) is read as OFX 1.x/2.x markup.
* The sign: ``TRNAMT`` is from the account holder's view (negative = money out of a bank
  account / a charge on a card), so ``amount_minor = -TRNAMT``.
* ``transaction_date`` is ``DTUSER`` when given, else ``DTPOSTED``; ``posted_date`` is
  ``DTPOSTED``. Both are the calendar date as written (the bank's local date).
* Currency: the transaction's ``CURRENCY`` when present, else the statement's ``CURDEF``.
* ``external_id`` is ``<ACCTID>:<FITID>`` (FITIDs are unique per account only).
* Credit-card statements (``CCSTMTRS``) give :attr:`Channel.CARD` rows with the card's last
  four digits; bank statements give :attr:`Channel.INVOICE` rows.
* Investment statements (``INVSTMTRS``, a brokerage or cash-management account): their cash
  movements (``INVBANKTRAN``, each a ``STMTTRN`` like a bank statement's: fees, transfers,
  a subscription paid from the account) are read as :attr:`Channel.INVOICE` rows with the
  ``INVACCTFROM`` account. Securities trades, income and reinvestments (``BUYSTOCK``,
  ``INCOME``, ...) are not spend and are not read, though the statement as a whole is
  still checked.
* The sign-on block is not needed to import transactions and is not checked; a document
  without any statement imports as zero rows.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from ofxtools import Types as ofx_types
from ofxtools import models as ofx_models
from ofxtools.header import OFXHeaderError, parse_header
from ofxtools.models.base import Aggregate
from ofxtools.Parser import TreeBuilder

from connectors.base import Channel, RawTransaction
from connectors.files.errors import ErrorCollector, FileRejected, RowError
from connectors.files.ids import RepeatNumbering
from connectors.files.money import AmountError, decimal_to_minor, is_currency

_RELAX = threading.Lock()
_FIELD = re.compile(r"\b([A-Z][A-Z0-9]*)\.([a-z0-9]+)\b")
_DATE = re.compile(r"\s*(\d{4})(\d{2})(\d{2})")


@contextmanager
def _relaxed() -> Iterator[None]:
    """ofxtools with string length limits off and its warnings silenced, one thread at a time.

    ``String.strict`` is a class attribute of ofxtools, so it is flipped under a lock and put
    back on exit; warnings raised by ofxtools meanwhile are dropped (they only say a string
    was long or a private tag was skipped).
    """
    with _RELAX, warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"ofxtools(\.|$)")
        strict = ofx_types.String.strict
        ofx_types.String.strict = False
        try:
            yield
        finally:
            ofx_types.String.strict = strict


def _body(raw: bytes) -> str:
    try:
        _header, body = parse_header(io.BytesIO(raw))
        return str(body)
    except OFXHeaderError as exc:
        start = raw.upper().find(b"<OFX>")
        if start < 0:
            raise FileRejected([RowError(None, None, f"not an OFX file: {exc}")]) from None
        chunk = raw[start:]
        try:
            return chunk.decode("utf-8")
        except UnicodeDecodeError:
            return chunk.decode("cp1252", errors="replace")
    except (ValueError, UnicodeDecodeError) as exc:
        raise FileRejected([RowError(None, None, f"bad OFX header: {exc}")]) from None


def _tree(raw: bytes) -> ET.Element:
    body = _body(raw)
    builder = TreeBuilder()
    try:
        builder.feed(body)
        root = builder.close()
    except (ET.ParseError, AssertionError, IndexError, ValueError, KeyError) as exc:
        raise FileRejected([RowError(None, None, f"malformed OFX markup: {exc}")]) from None
    if not isinstance(root, ET.Element) or root.tag != "OFX":
        raise FileRejected([RowError(None, None, "malformed OFX markup: no <OFX> root")])
    return root


def _explain(exc: BaseException) -> tuple[str | None, str]:
    """(field, message) from an ofxtools error, naming the OFX element when it can."""
    message = str(exc) or type(exc).__name__
    match = _FIELD.search(message)
    return (match.group(2).upper() if match else None), message


def _in_spec_order(element: ET.Element) -> ET.Element:
    """Put every aggregate's children in the order the OFX spec lists them (in place).

    Some banks write e.g. ``NAME`` before ``DTPOSTED``; ofxtools refuses that, though the order
    carries no meaning. Tags the spec does not know keep their place after the known ones.
    """
    for node in element.iter():
        if len(node) < 2:
            continue
        spec = getattr(getattr(ofx_models, node.tag, None), "spec", None)
        if not spec:
            continue
        rank = {name.upper(): i for i, name in enumerate(spec)}
        children = sorted(node, key=lambda child: rank.get(child.tag, len(rank)))
        node[:] = children
    return element


def _locate(trn: ET.Element, exc: BaseException) -> tuple[str | None, str]:
    """Name the element at fault when ofxtools' message does not (e.g. a bare decimal error)."""
    field, message = _explain(exc)
    if field is not None:
        return field, message
    model = getattr(ofx_models, trn.tag, None)
    for child in trn:
        spec = getattr(model, child.tag.lower(), None)
        if len(child) or not isinstance(spec, ofx_types.Element):
            continue
        try:
            spec.convert(child.text or "")
        except Exception:  # ofxtools raises many kinds
            return child.tag, f"{trn.tag}.{child.tag.lower()}: invalid value {child.text!r}"
    return None, message


# Per statement aggregate: where its account id is, and where its STMTTRNs are.
_KINDS: dict[str, tuple[str, str]] = {
    "STMTRS": ("BANKACCTFROM/ACCTID", "BANKTRANLIST/STMTTRN"),
    "CCSTMTRS": ("CCACCTFROM/ACCTID", "BANKTRANLIST/STMTTRN"),
    "INVSTMTRS": ("INVACCTFROM/ACCTID", "INVTRANLIST/INVBANKTRAN/STMTTRN"),
}


def _statements(root: ET.Element) -> Iterator[ET.Element]:
    for element in root.iter():
        if element.tag in _KINDS:
            yield element


def parse_ofx(raw: bytes) -> list[RawTransaction]:
    """Every transaction of every statement in an OFX/QFX file, in file order.

    Raises :class:`FileRejected` with all errors found when anything is malformed.
    """
    root = _tree(raw)
    errors = ErrorCollector()
    rows: list[RawTransaction] = []
    numbered = RepeatNumbering()
    number = 0
    with _relaxed():
        for statement in _statements(root):
            card = statement.tag == "CCSTMTRS"
            account_path, transactions_path = _KINDS[statement.tag]
            account = statement.findtext(account_path)
            curdef = (statement.findtext("CURDEF") or "").strip().upper()
            _check_statement(statement, errors)
            for trn in statement.iterfind(transactions_path):
                number += 1
                try:
                    model = Aggregate.from_etree(_in_spec_order(copy.deepcopy(trn)))
                except Exception as exc:  # ofxtools raises many kinds
                    errors.add(number, *_locate(trn, exc))
                    continue
                try:
                    row = _row(model, trn, curdef, (account or "").strip(), card, numbered)
                except _Bad as bad:
                    errors.add(number, bad.field, bad.message)
                    continue
                rows.append(row)
    errors.raise_if_any()
    return rows


def _check_statement(statement: ET.Element, errors: ErrorCollector) -> None:
    """Validate a statement's own parts (currency, account, balances) without its rows."""
    shell = copy.deepcopy(statement)
    for tranlist in shell.iterfind("BANKTRANLIST"):
        for trn in list(tranlist.iterfind("STMTTRN")):
            tranlist.remove(trn)
    # Cash movements are checked one by one with their number; the rest (trades) here.
    for tranlist in shell.iterfind("INVTRANLIST"):
        for cash in list(tranlist.iterfind("INVBANKTRAN")):
            tranlist.remove(cash)
    try:
        Aggregate.from_etree(_in_spec_order(shell))
    except Exception as exc:  # ofxtools raises many kinds
        field, message = _explain(exc)
        errors.add(None, field, f"{statement.tag}: {message}")


class _Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message


def _calendar_date(element: ET.Element, tag: str) -> date | None:
    text = element.findtext(tag)
    if text is None or not text.strip():
        return None
    match = _DATE.match(text)
    if match is None:  # pragma: no cover - ofxtools already validated the value
        raise _Bad(tag, f"not an OFX date: {text!r}")
    return date(int(match[1]), int(match[2]), int(match[3]))


def _row(
    model: Any,
    trn: ET.Element,
    curdef: str,
    account: str,
    card: bool,
    numbered: RepeatNumbering,
) -> RawTransaction:
    posted = _calendar_date(trn, "DTPOSTED")
    if posted is None:  # pragma: no cover - required by the spec, ofxtools enforces it
        raise _Bad("DTPOSTED", "missing")
    user_date = _calendar_date(trn, "DTUSER")
    currency = curdef
    if getattr(model, "currency", None) is not None:
        currency = str(model.currency.cursym).upper()
    if not is_currency(currency):
        raise _Bad("CURRENCY" if currency != curdef else "CURDEF", f"unknown currency {currency!r}")
    amount: Decimal = model.trnamt
    try:
        minor = -decimal_to_minor(amount, currency)
    except AmountError as exc:
        raise _Bad("TRNAMT", str(exc)) from None
    name = _text(getattr(model, "name", None))
    payee = getattr(model, "payee", None)
    if name is None and payee is not None:
        name = _text(getattr(payee, "name", None))
    memo = _text(getattr(model, "memo", None))
    descriptor = name or memo or _text(model.trntype) or ""
    sic = _text(getattr(model, "sic", None))
    fitid = str(model.fitid).strip()
    key = f"{account}:{fitid}"
    digits = "".join(c for c in account if c.isdigit())
    return RawTransaction(
        external_id=numbered(key),
        transaction_date=user_date or posted,
        posted_date=posted,
        amount_minor=minor,
        currency=currency,
        descriptor=descriptor,
        merchant_name=name,
        mcc=sic.zfill(4) if sic and sic.isdigit() and len(sic) <= 4 else None,
        memo=memo,
        channel=Channel.CARD if card else Channel.INVOICE,
        card_last4=digits[-4:] if card and len(digits) >= 4 else None,
        raw={child.tag: (child.text or "").strip() for child in trn if len(child) == 0},
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
