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
import re
import threading
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, BinaryIO, TypeVar

from ofxtools import Types as ofx_types
from ofxtools import models as ofx_models
from ofxtools.models.bank.stmt import TRNTYPES
from ofxtools.models.base import Aggregate
from ofxtools.Parser import TreeBuilder

from connectors.base import Channel, Kind, RawTransaction
from connectors.files.errors import ErrorCollector, RowError
from connectors.files.ids import RepeatNumbering
from connectors.files.kinds import code_kind
from connectors.files.money import AmountError, decimal_to_minor, is_currency
from connectors.files.ofx_stream import OfxSource, bad_encoding, pieces
from connectors.files.streamed import TwoPassFile

T = TypeVar("T")

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


_TAG_NAME = re.compile(r"</?[A-Za-z][A-Za-z0-9._]*>")
_EMPTY_CLOSED = re.compile(r"<([A-Z][A-Z0-9._]*)>\s*</\1>")
_EMPTY_OPEN = re.compile(r"<([A-Z][A-Z0-9._]*)>(?=\s*<)")
_LOWER_TAG = re.compile(r"</?[A-Z0-9._]*[a-z]")
_CLOSING = re.compile(r"</([A-Z][A-Z0-9._]*)>")


@cache
def _aggregates() -> frozenset[str]:
    """Tag names ofxtools models as aggregates (everything else is an element)."""
    return frozenset(
        name
        for name in dir(ofx_models)
        if isinstance(cls := getattr(ofx_models, name), type) and issubclass(cls, Aggregate)
    )


def clean_markup(body: str) -> str:
    """SGML as banks write it, made readable by ofxtools without changing any value.

    Tag names are upper-cased (SGML tags are case-blind; a lower-case ``<stmttrn>`` would
    otherwise be skipped); an element with no value (``<MEMO>`` followed by the next tag, or
    ``<MEMO></MEMO>``) is dropped, since ofxtools reads an empty element as an aggregate
    opening and nests the rest of the file in it. Aggregates keep every tag.
    """
    if _LOWER_TAG.search(body):
        body = _TAG_NAME.sub(lambda m: m.group(0).upper(), body)
    aggregates = _aggregates()
    body = _EMPTY_CLOSED.sub(lambda m: "" if m[1] not in aggregates else m[0], body)
    closed = frozenset(_CLOSING.findall(body))
    elements = _elements()

    def drop_empty(match: re.Match[str]) -> str:
        tag = match[1]
        if tag in aggregates or body.startswith(f"</{tag}>", _next_tag(body, match.end())):
            return match[0]
        if tag in closed and tag not in elements:
            return match[0]  # an unknown aggregate (a bank's private one): keep it whole
        return ""

    return _EMPTY_OPEN.sub(drop_empty, body)


def _next_tag(body: str, position: int) -> int:
    found = body.find("<", position)
    return found if found >= 0 else len(body)


@cache
def _elements() -> frozenset[str]:
    """Element names the OFX spec knows (the children of ofxtools' aggregates)."""
    names = set()
    for name in _aggregates():
        cls = getattr(ofx_models, name)
        for attr in getattr(cls, "spec", ()):
            if isinstance(getattr(cls, attr, None), ofx_types.Element):
                names.add(attr.upper())
    return frozenset(names)


def _element(text: str, what: str) -> ET.Element:
    builder = TreeBuilder()
    try:
        builder.feed(text)
        root = builder.close()
    except (ET.ParseError, AssertionError, IndexError, ValueError, KeyError) as exc:
        raise _Bad(what, f"malformed OFX markup in {what}: {type(exc).__name__}") from None
    if not isinstance(root, ET.Element):
        raise _Bad(what, f"malformed OFX markup in {what}")
    return root


def _explain(exc: BaseException) -> tuple[str | None, str]:
    """(field, message) from an ofxtools error, naming the OFX element when it can."""
    message = str(exc) or type(exc).__name__
    match = _FIELD.search(message)
    return (match.group(2).upper() if match else None), message


def _known_trntype(trn: ET.Element, number: int, notes: list[RowError]) -> None:
    """``TRNTYPE`` upper-cased, and one the spec does not list read as ``OTHER`` (noted, the
    bank's word kept in ``raw``): the type names a kind of movement; ``TRNAMT`` alone gives the
    amount and its sign, so an odd type puts no transaction in doubt."""
    node = trn.find("TRNTYPE")
    if node is None or not node.text:
        return
    written = node.text.strip()
    node.text = written.upper()
    if node.text not in TRNTYPES:
        node.text = "OTHER"
        trn.append(_leaf("TRNTYPE.WRITTEN", written))
        said = f"unknown type {written[:20]!r} read as OTHER"
        if all(note.message != said for note in notes):  # once per type, at its first row
            notes.append(RowError(number, "TRNTYPE", said))


def _leaf(tag: str, text: str) -> ET.Element:
    leaf = ET.Element(tag)
    leaf.text = text
    return leaf


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


# Per statement aggregate: where its account id is.
_ACCOUNT: dict[str, str] = {
    "STMTRS": "BANKACCTFROM/ACCTID",
    "CCSTMTRS": "CCACCTFROM/ACCTID",
    "INVSTMTRS": "INVACCTFROM/ACCTID",
}
# A statement's balances and period put no transaction in doubt: checked, never refused.
_BALANCES = ("LEDGERBAL", "AVAILBAL", "BALLIST", "INVBAL")
_STAND_IN_BALANCE = "<LEDGERBAL><BALAMT>0<DTASOF>19700101</LEDGERBAL>"


class OfxFile(TwoPassFile):
    """An OFX/QFX file, validated by :meth:`validate` then streamed by :meth:`iter_rows`.

    The body is decoded a chunk at a time and cut into statement shells (a statement without
    its transactions) and single ``STMTTRN`` blocks (:mod:`connectors.files.ofx_stream`);
    each is cleaned and read by ofxtools on its own, never as one tree. Memory holds a chunk,
    one transaction and the statements' shells, whatever the file's size. The shells are
    gathered by a first read so that each statement's account and currency are known before
    its transactions, wherever the bank wrote them.
    """

    def __init__(self, data: bytes | BinaryIO) -> None:
        super().__init__()
        self.source = OfxSource(data)
        self._shells: list[str] | None = None

    def _retrying(self, read: Callable[[], T]) -> T:
        while True:
            try:
                return read()
            except UnicodeDecodeError as exc:
                if not self.source.fall_back():
                    raise bad_encoding(exc) from None
                self._shells = None

    def _statement_shells(self) -> list[str]:
        if self._shells is None:
            self._shells = [
                clean_markup(piece.text)
                for piece in pieces(self.source.chunks())
                if piece.kind == "close"
            ]
        return self._shells

    def _read(self, errors: ErrorCollector, notes: list[RowError]) -> Iterator[RawTransaction]:
        if not self.source.has_ofx:
            errors.add(None, None, "malformed OFX markup: no <OFX> element")
            return
        shells = self._statement_shells()
        numbered = RepeatNumbering()
        number = index = 0
        account = curdef = ""
        usable = False
        for piece in pieces(self.source.chunks()):
            if piece.kind == "open":
                index += 1
                tag = piece.tag
                try:
                    shell = _element(shells[index - 1], tag)
                except _Bad as bad:
                    errors.add(None, tag, f"statement {index}: {bad.message}")
                    usable = False
                    continue
                usable = True
                account = (shell.findtext(_ACCOUNT[tag]) or "").strip()
                curdef = (shell.findtext("CURDEF") or "").strip().upper()
                _check_statement(shell, index, errors, notes)
            elif piece.kind == "unclosed":
                said = "not closed: no </STMTTRN> before the next <STMTTRN> or the statement's end"
                errors.add(number + 1, "STMTTRN", said)
                number += piece.count
            elif piece.kind == "stray":
                stray = "a <STMTTRN> outside any statement (STMTRS, CCSTMTRS or INVSTMTRS)"
                errors.add(None, "STMTTRN", f"{stray}: the markup is broken")
            elif piece.kind == "trn":
                number += 1
                if usable:
                    card = piece.tag == "CCSTMTRS"
                    yield from self._transaction(
                        piece.text, number, (account, curdef, card), numbered, errors, notes
                    )

    @staticmethod
    def _transaction(
        raw_text: str,
        number: int,
        statement: tuple[str, str, bool],
        numbered: RepeatNumbering,
        errors: ErrorCollector,
        notes: list[RowError],
    ) -> Iterator[RawTransaction]:
        text = clean_markup(raw_text)
        try:
            trn = _element(text, "STMTTRN")
            _known_trntype(trn, number, notes)
            with _relaxed():
                model = Aggregate.from_etree(_in_spec_order(trn))
        except _Bad as bad:
            errors.add(number, bad.field, bad.message)
            return
        except Exception as exc:  # ofxtools raises many kinds
            errors.add(number, *_locate(_element(text, "STMTTRN"), exc))
            return
        account, curdef, card = statement
        try:
            yield _row(model, trn, curdef, account, card, numbered)
        except _Bad as bad:
            errors.add(number, bad.field, bad.message)


def parse_ofx(raw: bytes | BinaryIO) -> list[RawTransaction]:
    """Every transaction of every statement in an OFX/QFX file, in file order.

    Raises :class:`FileRejected` with all errors found when anything is malformed.
    """
    ofx = OfxFile(raw)
    ofx.validate()
    return list(ofx.iter_rows())


def _check_statement(
    shell: ET.Element, index: int, errors: ErrorCollector, notes: list[RowError]
) -> None:
    """Validate a statement's own parts (currency, account, trades) without its rows.

    A missing, empty or malformed balance (``LEDGERBAL``, ``AVAILBAL``, ``BALLIST``), or a
    malformed statement period (``DTSTART``/``DTEND``), is noted and set aside: they describe
    the account, not its transactions.
    """
    with _relaxed():
        for name in _BALANCES:
            for balance in list(shell.iterfind(name)):
                try:
                    Aggregate.from_etree(_in_spec_order(copy.deepcopy(balance)))
                except Exception:  # ofxtools raises many kinds
                    notes.append(RowError(None, name, f"statement {index}: {name} ignored"))
                    shell.remove(balance)
        if shell.tag in ("STMTRS", "CCSTMTRS") and shell.find("LEDGERBAL") is None:
            shell.append(_element(_STAND_IN_BALANCE, "LEDGERBAL"))
        for tranlist in shell.iterfind("BANKTRANLIST"):
            for name in ("DTSTART", "DTEND"):
                period = tranlist.find(name)
                if period is None:
                    period = ET.SubElement(tranlist, name)
                if _DATE.match(period.text or "") is None:
                    period.text = "19700101"
        try:
            Aggregate.from_etree(_in_spec_order(shell))
        except Exception as exc:  # ofxtools raises many kinds
            field, message = _explain(exc)
            errors.add(None, field, f"{shell.tag}: {message}")


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
    trntype = (_text(model.trntype) or "").upper()
    kind = code_kind("ofx_trntype", trntype) or (
        code_kind("ofx_card_credit_trntype", trntype) if card and minor < 0 else None
    )
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
        kind=kind or Kind.PURCHASE,
        card_last4=digits[-4:] if card and len(digits) >= 4 else None,
        raw={child.tag: (child.text or "").strip() for child in trn if len(child) == 0},
    )


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
