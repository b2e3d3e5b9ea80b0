"""Sloppy variants of real statement files (made here from ../shared/bank-files, and for CSV
from exports written here): what puts no transaction in doubt imports exactly as the clean
file does; what would change an amount, a date, a sign or the set of rows is refused with its
row and field. MT940 and QIF have their own tables (test_mt940.py, test_qif.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.files import CsvMapping, FileFormat, FileRejected, detect_format, parse_file
from tests.connectors_files.helpers import swap

BANK_FILES = Path(__file__).resolve().parents[2] / ".." / "shared" / "bank-files"

Change = Callable[[str], str]


def _shared(*parts: str) -> str:
    path = BANK_FILES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path.read_bytes().decode("latin-1")


def _facts(text: str, fmt: FileFormat) -> list[tuple[int, str, str]]:
    data = text.encode("latin-1")
    return [
        (r.amount_minor, r.currency, str(r.transaction_date))
        for r in parse_file(data, fmt=fmt, filename="upload.txt").rows
    ]


def _check(base: str, fmt: FileFormat, change: Change) -> None:
    expected = _facts(base, fmt)
    assert expected
    assert _facts(change(base), fmt) == expected


def _refused(base: str, fmt: FileFormat, change: Change) -> list[tuple[int | None, str | None]]:
    with pytest.raises(FileRejected) as info:
        parse_file(change(base).encode("latin-1"), fmt=fmt)
    return [(e.row, e.field) for e in info.value.errors]


# ------------------------------------------------------------------------------------- OFX

OFX_SURVIVED = [
    pytest.param(
        lambda t: re.sub(r"<LEDGERBAL>.*?</LEDGERBAL>", "", t, flags=re.S), id="no-ledgerbal"
    ),
    pytest.param(lambda t: re.sub(r"<DTASOF>\d+", "<DTASOF>2011-03-31", t), id="dtasof-malformed"),
    pytest.param(lambda t: re.sub(r"<BALAMT>[^<\s]+", "<BALAMT>", t), id="balamt-empty"),
    pytest.param(lambda t: re.sub(r"<DTSTART>\d+", "<DTSTART>", t), id="dtstart-empty"),
    pytest.param(
        lambda t: t.replace("</LEDGERBAL>", "</LEDGERBAL><AVAILBAL><BALAMT>n/a</AVAILBAL>"),
        id="availbal-junk",
    ),
    pytest.param(lambda t: t.replace("<STMTTRN>", "<STMTTRN><MEMO>", 1), id="empty-element"),
    pytest.param(
        lambda t: t.replace("<STMTTRN>", "<STMTTRN><MEMO></MEMO>", 1), id="empty-closed-element"
    ),
    pytest.param(
        lambda t: re.sub(r"<(/?)(STMTTRN|TRNAMT|NAME)>", lambda m: m[0].lower(), t),
        id="lower-case-tags",
    ),
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: t.rstrip(), id="no-final-newline"),
    pytest.param(lambda t: "\xef\xbb\xbf" + t, id="bom"),
    pytest.param(lambda t: t[t.index("<OFX>") :], id="no-header"),
    pytest.param(lambda t: t.replace("<FITID>", "<INTU.BID>3000<FITID>", 1), id="private-tag"),
    pytest.param(
        lambda t: re.sub(r"<TRNTYPE>(\w+)", lambda m: "<TRNTYPE>" + m[1].lower(), t),
        id="trntype-lower-case",
    ),
    pytest.param(
        lambda t: re.sub(r"<TRNTYPE>\w+", "<TRNTYPE>PURCHASE", t), id="trntype-not-in-spec"
    ),
    pytest.param(
        lambda t: re.sub(r"<DTPOSTED>([\d.]+)", r"<DTPOSTED>\1[-5:EST]", t), id="dtposted-zone"
    ),
    pytest.param(
        lambda t: re.sub(r"<DTPOSTED>(\d{8})[\d.]*", r"<DTPOSTED>\1", t), id="dtposted-date-only"
    ),
    pytest.param(lambda t: t.replace("<DTPOSTED>", "<DTUSER><DTPOSTED>"), id="dtuser-empty"),
    pytest.param(lambda t: t.replace("</OFX>", ""), id="no-closing-ofx"),
    pytest.param(
        lambda t: re.sub(r"<NAME>([^<\n]*)", r"<NAME>AT&T \1", t, count=1), id="bare-ampersand"
    ),
    pytest.param(
        lambda t: re.sub(
            r"(<CURDEF>[^<]*)(<BANKACCTFROM>.*?</BANKACCTFROM>)(.*?</BANKTRANLIST>)",
            r"\3\1\2",
            t,
            flags=re.S,
        ),
        id="account-and-currency-after-transactions",
    ),
]


def test_ofx_unknown_trntype_is_noted_once_and_kept() -> None:
    text = re.sub(r"<TRNTYPE>\w+", "<TRNTYPE>PURCHASE", _shared("ofx", "checking.ofx"))
    parsed = parse_file(text.encode("latin-1"), fmt=FileFormat.OFX)
    rows = list(parsed.rows)
    assert [(w.row, w.field) for w in parsed.warnings] == [(1, "TRNTYPE")]
    assert {r.raw["TRNTYPE.WRITTEN"] for r in rows} == {"PURCHASE"}


@pytest.mark.parametrize("change", OFX_SURVIVED)
def test_ofx_leniency(change: Change) -> None:
    _check(_shared("ofx", "checking.ofx"), FileFormat.OFX, change)


OFX_REFUSED = [
    pytest.param(
        lambda t: re.sub(r"<TRNAMT>[^<\s]+", "<TRNAMT>12,34.5", t, count=1),
        (1, "TRNAMT"),
        id="amount-garbled",
    ),
    pytest.param(
        lambda t: re.sub(r"<TRNAMT>[^<\s]+", "<TRNAMT>", t, count=1),
        (1, "TRNAMT"),
        id="amount-empty",
    ),
    pytest.param(
        lambda t: re.sub(r"<DTPOSTED>\d+", "<DTPOSTED>20110231", t, count=1),
        (1, "DTPOSTED"),
        id="date-impossible",
    ),
    pytest.param(lambda t: t.replace("</STMTTRN>", "", 1), (1, "STMTTRN"), id="stmttrn-not-closed"),
    pytest.param(
        lambda t: t.replace(
            "<BANKMSGSRSV1>",
            "<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20110301<TRNAMT>-1.00<FITID>X1</STMTTRN>"
            "<BANKMSGSRSV1>",
            1,
        ),
        (None, "STMTTRN"),
        id="stmttrn-outside-statement",
    ),
]


@pytest.mark.parametrize(("change", "first"), OFX_REFUSED)
def test_ofx_refusals(change: Change, first: tuple[int | None, str]) -> None:
    assert _refused(_shared("ofx", "checking.ofx"), FileFormat.OFX, change)[0] == first


# ------------------------------------------------------------------------------------- CAMT

CAMT = ("camt053", "camt053.v2.minimal.xml")

CAMT_SURVIVED = [
    pytest.param(
        lambda t: re.sub(
            r"<BookgDt>\s*<Dt>([0-9-]+)</Dt>", r"<BookgDt><DtTm>\1T10:00:00+01:00</DtTm>", t
        ),
        id="booking-dttm",
    ),
    pytest.param(
        lambda t: re.sub(r"<Dt>([0-9-]+)</Dt>", r"<DtTm>\1T23:30:00Z</DtTm>", t),
        id="every-date-dttm",
    ),
    pytest.param(lambda t: re.sub(r"<Bal>.*?</Bal>", "", t, flags=re.S), id="no-balances"),
    pytest.param(lambda t: re.sub(r"<MsgId>.*?</MsgId>", "", t), id="no-message-id"),
    pytest.param(
        lambda t: re.sub(r"(<Stmt>\s*)<Id>.*?</Id>", r"\1", t, flags=re.S), id="no-statement-id"
    ),
    pytest.param(
        lambda t: t.replace("</Ntry>", "<AddtlNtryInf></AddtlNtryInf></Ntry>"), id="empty-optional"
    ),
    pytest.param(lambda t: "\xef\xbb\xbf" + t.rstrip(), id="bom-no-final-newline"),
    pytest.param(lambda t: t.replace("UTF-8", "ISO-8859-1"), id="latin1-declared"),
]


def _as_message(kind: str, message: str, part: str) -> Change:
    """The statement rewritten as a camt.052 account report or a camt.054 notification: the
    same entries under another message and per-account element."""

    def change(text: str) -> str:
        text = text.replace("camt.053.001", f"camt.{kind}.001")
        text = re.sub(r"<(/?)BkToCstmrStmt>", rf"<\1{message}>", text)
        return re.sub(r"<(/?)Stmt>", rf"<\1{part}>", text)

    return change


CAMT_SURVIVED += [
    pytest.param(_as_message("052", "BkToCstmrAcctRpt", "Rpt"), id="camt052-report"),
    pytest.param(_as_message("054", "BkToCstmrDbtCdtNtfctn", "Ntfctn"), id="camt054-notification"),
]


def test_camt_052_and_054_are_detected_by_content() -> None:
    text = _as_message("054", "BkToCstmrDbtCdtNtfctn", "Ntfctn")(_shared(*CAMT))
    assert detect_format(text.encode("latin-1"), "export.xml") == FileFormat.CAMT053
    assert detect_format(text.encode("latin-1"), None) == FileFormat.CAMT053


@pytest.mark.parametrize("change", CAMT_SURVIVED)
def test_camt_leniency(change: Change) -> None:
    _check(_shared(*CAMT), FileFormat.CAMT053, change)


def _in_entries(change: Change) -> Change:
    """``change`` applied from the first entry on (balances carry amounts and signs too)."""

    def apply(text: str) -> str:
        start = text.index("<Ntry>")
        return text[:start] + change(text[start:])

    return apply


CAMT_REFUSED = [
    pytest.param(
        _in_entries(
            lambda t: re.sub(r"<CdtDbtInd>\w+</CdtDbtInd>", "<CdtDbtInd>CR</CdtDbtInd>", t, count=1)
        ),
        (1, "CdtDbtInd"),
        id="sign-unknown",
    ),
    pytest.param(
        _in_entries(lambda t: re.sub(r'(<Amt Ccy="\w+">)[0-9.]+', r"\g<1>8,85", t, count=1)),
        (1, "Amt"),
        id="amount-comma",
    ),
    pytest.param(
        _in_entries(lambda t: re.sub(r'<Amt Ccy="\w+">', "<Amt>", t, count=1)),
        (1, "Amt"),
        id="no-currency",
    ),
    pytest.param(
        lambda t: re.sub(r"<(BookgDt|ValDt)>.*?</\1>", "", t, flags=re.S),
        (1, "BookgDt"),
        id="no-date",
    ),
]


@pytest.mark.parametrize(("change", "first"), CAMT_REFUSED)
def test_camt_refusals(change: Change, first: tuple[int, str]) -> None:
    assert _refused(_shared(*CAMT), FileFormat.CAMT053, change)[0] == first


# Listed but not booked: the entry is left out (a warning with its row), the rest imports.
CAMT_NOT_BOOKED = [
    pytest.param(swap("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>"), id="pending"),
    pytest.param(swap("<Sts>BOOK</Sts>", "<Sts>INFO</Sts>"), id="information-only"),
    pytest.param(swap("<Sts>BOOK</Sts>", "<Sts><Cd>PDNG</Cd></Sts>"), id="pending-v8-code"),
    pytest.param(swap("<Sts>BOOK</Sts>", "<Sts>FUTR</Sts>"), id="future"),
]


@pytest.mark.parametrize("change", CAMT_NOT_BOOKED)
def test_camt_entries_not_booked_are_left_out(change: Change) -> None:
    base = _shared("camt053", "camt053.v2.multi.statement.xml")
    parsed = parse_file(change(base).encode("latin-1"), fmt=FileFormat.CAMT053)
    assert (parsed.skipped, [(w.row, w.field) for w in parsed.warnings]) == (1, [(1, "Sts")])
    assert _facts(change(base), FileFormat.CAMT053) == _facts(base, FileFormat.CAMT053)[1:]


# ------------------------------------------------------------------------------------- BAI2

BAI2 = ("bai2", "svb_us_example.bai2")

BAI2_SURVIVED = [
    pytest.param(swap(",015,35217175,,,/", ",190500000,35217175,,,/"), id="unknown-summary-code"),
    pytest.param(swap("16,142,490196", "16,299,490196"), id="unknown-credit-range-code"),
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: t.rstrip("\n"), id="no-final-newline"),
    pytest.param(swap("16,142,490196,,172629,/", "16,142,490196,,172629,"), id="no-slash"),
    pytest.param(swap("88,SOME PAYMENT ACH OFFSET", "88,SOME/PAYMENT, ACH OFFSET/"), id="odd-text"),
    pytest.param(
        swap("16,142,490196,,172629,/", "16,142,490196,S,100,200,196,172629,CUST1,WIRE IN/"),
        id="distributed-availability",
    ),
    pytest.param(
        swap("16,142,490196,,172629,/", "16,142,490196,0,172629,,WIRE FROM A CLIENT/"),
        id="immediate-availability-with-text",
    ),
    pytest.param(lambda t: "\n".join(line.ljust(80) for line in t.splitlines()), id="padded-80"),
]


@pytest.mark.parametrize("change", BAI2_SURVIVED)
def test_bai2_leniency(change: Change) -> None:
    _check(_shared(*BAI2), FileFormat.BAI2, change)


BAI2_REFUSED = [
    pytest.param(swap("16,142,490196", "16,987,490196"), (1, "type_code"), id="code-sign-unknown"),
    pytest.param(swap("49,138884258,7/", "49,138884259,7/"), (None, None), id="control-total"),
    pytest.param(swap("16,142,490196,,", "16,142,,,"), (1, "amount"), id="amount-blank"),
    pytest.param(
        swap("88,SOME PAYMENT ACH OFFSET\n", "88,SOME\n88,PAYMENT\n"),
        (None, None),
        id="uncounted-record",
    ),
]


@pytest.mark.parametrize(("change", "first"), BAI2_REFUSED)
def test_bai2_refusals(change: Change, first: tuple[int | None, str | None]) -> None:
    assert _refused(_shared(*BAI2), FileFormat.BAI2, change)[0] == first


# ------------------------------------------------------------------------------------- CSV

CSV = """Date,Description,Amount,Running Bal.
01/02/2025,ZOOM.US 888-799-9666,-14.99,"1,219.57"
01/03/2025,NOTION LABS,-10.00,"1,209.57"
01/05/2025,FIGMA REFUND,5.00,"1,214.57"
"""

CSV_SURVIVED = [
    pytest.param(lambda t: "\xef\xbb\xbf" + t, id="bom"),
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: t.rstrip("\n"), id="no-final-newline"),
    pytest.param(lambda t: t.replace("\n", "\n\n"), id="blank-lines"),
    pytest.param(
        lambda t: "Account Name : Operating\nAccount Number : 0123456789\n\n" + t, id="preamble"
    ),
    pytest.param(
        lambda t: (
            'Description,,Summary Amt.\nBeginning balance as of 01/01/2025,,"1,234.56"\n\n' + t
        ),
        id="summary-preamble",
    ),
    pytest.param(
        lambda t: t.replace("Date,Description,Amount", "Txn Date,Desc,Amt"), id="short-headers"
    ),
    pytest.param(
        lambda t: t.replace(
            "Date,Description,Amount", "Trans. Date,Merchant Description,Amount (USD)"
        ),
        id="long-headers",
    ),
    pytest.param(lambda t: t.replace("NOTION LABS", "NOTION LÄBS"), id="latin1"),
    pytest.param(
        lambda t: re.sub(r',"[\d,.]+"$', "", t.split("\n", 1)[1], flags=re.M), id="no-header-row"
    ),
    pytest.param(
        lambda t: re.sub(r',"[\d,.]+"$', ",*,", t.split("\n", 1)[1], flags=re.M),
        id="no-header-marker-and-empty-columns",
    ),
]


def _csv_facts(text: str) -> list[tuple[int, str]]:
    rows = parse_file(text.encode("latin-1"), fmt=FileFormat.CSV).rows
    return [(r.amount_minor, str(r.transaction_date)) for r in rows if r.kind == "purchase"]


@pytest.mark.parametrize("change", CSV_SURVIVED)
def test_csv_leniency(change: Change) -> None:
    assert (
        _csv_facts(change(CSV))
        == _csv_facts(CSV)
        == [
            (1499, "2025-01-02"),
            (1000, "2025-01-03"),
            (-500, "2025-01-05"),
        ]
    )


def test_csv_beginning_balance_row_is_a_balance_line_not_a_refusal() -> None:
    text = CSV.replace("\n", '\n01/01/2025,Beginning balance as of 01/01/2025,,"1,234.56"\n', 1)
    rows = list(parse_file(text.encode(), fmt=FileFormat.CSV).rows)
    assert (rows[0].kind, rows[0].amount_minor) == ("balance", 0)
    assert len(rows) == 4


CSV_REFUSED = [
    pytest.param(swap("-10.00", "-10.0O"), (2, "Amount"), id="amount-typo"),
    pytest.param(swap("-10.00", ""), (2, "Amount"), id="amount-missing"),
    pytest.param(swap("01/03/2025", "01/33/2025"), (2, "Date"), id="date-impossible"),
    pytest.param(swap("-10.00", "-10.005"), (2, "Amount"), id="three-decimals"),
    # No header, and two number columns (amount, running balance): which is the amount?
    pytest.param(lambda t: t.split("\n", 1)[1], (None, None), id="no-header-ambiguous"),
    pytest.param(
        lambda t: re.sub(r',"[\d,.]+"$', "", t.split("\n", 1)[1], flags=re.M).replace(
            "-10.00", "-10.0O"
        ),
        (None, None),  # the amount column no longer reads as numbers: not unambiguous
        id="no-header-amount-typo",
    ),
]


@pytest.mark.parametrize(("change", "first"), CSV_REFUSED)
def test_csv_refusals(change: Change, first: tuple[int, str]) -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(change(CSV).encode(), fmt=FileFormat.CSV)
    assert (info.value.errors[0].row, info.value.errors[0].field) == first


# A State/Status column: rows that never moved money, or are not booked yet, are left out.
CSV_WITH_STATE = CSV.replace("Running Bal.\n", "Running Bal.,State\n").replace(
    '"\n', '",COMPLETED\n'
)

CSV_NOT_BOOKED = [
    pytest.param("DECLINED", id="declined"),
    pytest.param("REVERTED", id="reverted"),
    pytest.param("FAILED", id="failed"),
    pytest.param("CANCELLED", id="cancelled"),
    pytest.param("pending", id="pending"),
    pytest.param("Storniert", id="german-cancelled"),
]


@pytest.mark.parametrize("state", CSV_NOT_BOOKED)
def test_csv_rows_not_booked_are_left_out(state: str) -> None:
    changed = swap('"1,209.57",COMPLETED', f'"1,209.57",{state}')(CSV_WITH_STATE)
    parsed = parse_file(changed.encode(), fmt=FileFormat.CSV)
    assert (parsed.skipped, [(w.row, w.field) for w in parsed.warnings]) == (1, [(2, "State")])
    assert _csv_facts(changed) == [(1499, "2025-01-02"), (-500, "2025-01-05")]
    assert _csv_facts(CSV_WITH_STATE) == _csv_facts(CSV)


def test_csv_without_header_read_by_position_names_the_column_at_fault() -> None:
    body = re.sub(r',"[\d,.]+"$', "", CSV.split("\n", 1)[1], flags=re.M)
    mapping = CsvMapping(date=1, descriptor=2, amount=3, sign="spend_negative")
    with pytest.raises(FileRejected) as info:
        parse_file(swap("-10.00", "-10.0O")(body).encode(), fmt=FileFormat.CSV, mapping=mapping)
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "column 3")]
