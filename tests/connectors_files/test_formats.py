"""OFX, CAMT.053 and BAI2 behaviour on small files written for these tests, plus money parsing."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from connectors.base import Channel
from connectors.files import FileFormat, FileRejected, detect_format, parse_file
from connectors.files.money import AmountError, decimal_to_minor, exponent, parse_minor

OFX2_CARD_AND_BANK = b"""<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<DTSERVER>20250301120000</DTSERVER><LANGUAGE>ENG</LANGUAGE></SONRS></SIGNONMSGSRSV1>
<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1</TRNUID>
<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<CCSTMTRS><CURDEF>USD</CURDEF><CCACCTFROM><ACCTID>4111111111117730</ACCTID></CCACCTFROM>
<BANKTRANLIST><DTSTART>20250201</DTSTART><DTEND>20250301</DTEND>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20250203120000[-5:EST]</DTPOSTED>
<DTUSER>20250201</DTUSER><TRNAMT>-42.00</TRNAMT><FITID>T1</FITID>
<SIC>5734</SIC><NAME>ATLASSIAN A NAME LONGER THAN THIRTY-TWO CHARACTERS</NAME></STMTTRN>
<STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20250210</DTPOSTED><TRNAMT>5.00</TRNAMT>
<FITID>T2</FITID><NAME>REFUND FIGMA</NAME></STMTTRN>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20250211</DTPOSTED><TRNAMT>-1500</TRNAMT>
<FITID>T2</FITID><NAME>HOTEL TOKYO</NAME>
<CURRENCY><CURRATE>0.0066</CURRATE><CURSYM>JPY</CURSYM></CURRENCY></STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>-37.00</BALAMT><DTASOF>20250301</DTASOF></LEDGERBAL>
</CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>2</TRNUID>
<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<STMTRS><CURDEF>EUR</CURDEF>
<BANKACCTFROM><BANKID>123456789</BANKID><ACCTID>998877</ACCTID><ACCTTYPE>CHECKING</ACCTTYPE>
</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20250201</DTSTART><DTEND>20250301</DTEND>
<STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20250205</DTPOSTED><TRNAMT>-10.50</TRNAMT>
<FITID>T1</FITID><NAME>SEPA DD NOTION</NAME><MEMO>invoice 42</MEMO></STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>100.00</BALAMT><DTASOF>20250301</DTASOF></LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""


def test_ofx2_card_and_bank_statements() -> None:
    assert detect_format(OFX2_CARD_AND_BANK, None) == FileFormat.OFX
    rows = list(parse_file(OFX2_CARD_AND_BANK).rows)
    assert [(r.external_id, r.amount_minor, r.currency, r.channel) for r in rows] == [
        ("4111111111117730:T1", 4200, "USD", Channel.CARD),
        ("4111111111117730:T2", -500, "USD", Channel.CARD),
        ("4111111111117730:T2#2", 1500, "JPY", Channel.CARD),
        ("998877:T1", 1050, "EUR", Channel.INVOICE),
    ]
    first = rows[0]
    assert first.transaction_date == date(2025, 2, 1)  # DTUSER
    assert first.posted_date == date(2025, 2, 3)  # local date as written, not UTC
    assert first.mcc == "5734"
    assert first.card_last4 == "7730"
    assert first.descriptor.startswith("ATLASSIAN A NAME LONGER")
    assert rows[3].memo == "invoice 42"
    assert rows[3].card_last4 is None


OFX2_INVESTMENT = b"""<?xml version="1.0" encoding="UTF-8"?>
<?OFX OFXHEADER="200" VERSION="220" SECURITY="NONE" OLDFILEUID="NONE" NEWFILEUID="NONE"?>
<OFX>
<INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1</TRNUID>
<STATUS><CODE>0</CODE><SEVERITY>INFO</SEVERITY></STATUS>
<INVSTMTRS><DTASOF>20250301</DTASOF><CURDEF>USD</CURDEF>
<INVACCTFROM><BROKERID>broker.example.com</BROKERID><ACCTID>CMA-5521</ACCTID></INVACCTFROM>
<INVTRANLIST><DTSTART>20250201</DTSTART><DTEND>20250301</DTEND>
<BUYSTOCK><INVBUY><INVTRAN><FITID>B1</FITID><DTTRADE>20250203</DTTRADE></INVTRAN>
<SECID><UNIQUEID>037833100</UNIQUEID><UNIQUEIDTYPE>CUSIP</UNIQUEIDTYPE></SECID>
<UNITS>10</UNITS><UNITPRICE>180.00</UNITPRICE><TOTAL>-1800.00</TOTAL>
<SUBACCTSEC>CASH</SUBACCTSEC><SUBACCTFUND>CASH</SUBACCTFUND></INVBUY>
<BUYTYPE>BUY</BUYTYPE></BUYSTOCK>
<INVBANKTRAN><STMTTRN><TRNTYPE>DEBIT</TRNTYPE><DTPOSTED>20250207</DTPOSTED>
<TRNAMT>-99.00</TRNAMT><FITID>C1</FITID><NAME>GITHUB INC</NAME></STMTTRN>
<SUBACCTFUND>CASH</SUBACCTFUND></INVBANKTRAN>
<INVBANKTRAN><STMTTRN><TRNTYPE>CREDIT</TRNTYPE><DTPOSTED>20250210</DTPOSTED>
<TRNAMT>5000.00</TRNAMT><FITID>C2</FITID><NAME>TRANSFER IN</NAME></STMTTRN>
<SUBACCTFUND>CASH</SUBACCTFUND></INVBANKTRAN>
</INVTRANLIST>
</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>
</OFX>
"""


def test_ofx_investment_statement_reads_its_cash_movements_not_its_trades() -> None:
    rows = list(parse_file(OFX2_INVESTMENT).rows)
    assert [(r.external_id, r.amount_minor, r.currency, r.channel, r.descriptor) for r in rows] == [
        ("CMA-5521:C1", 9900, "USD", Channel.INVOICE, "GITHUB INC"),
        ("CMA-5521:C2", -500000, "USD", Channel.INVOICE, "TRANSFER IN"),
    ]
    assert rows[0].transaction_date == date(2025, 2, 7)
    assert rows[0].card_last4 is None


def test_ofx_investment_cash_movement_with_a_bad_amount_is_rejected_with_its_number() -> None:
    bad = OFX2_INVESTMENT.replace(b"<TRNAMT>5000.00</TRNAMT>", b"<TRNAMT>lots</TRNAMT>")
    with pytest.raises(FileRejected) as info:
        parse_file(bad, fmt=FileFormat.OFX)
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "TRNAMT")]


def test_ofx_investment_statement_with_a_malformed_trade_is_rejected() -> None:
    bad = OFX2_INVESTMENT.replace(b"<UNITS>10</UNITS>", b"<UNITS>ten</UNITS>")
    with pytest.raises(FileRejected) as info:
        parse_file(bad, fmt=FileFormat.OFX)
    assert any("INVSTMTRS" in e.message for e in info.value.errors)


def test_ofx_bad_amount_names_the_transaction_and_field() -> None:
    bad = OFX2_CARD_AND_BANK.replace(b"<TRNAMT>5.00</TRNAMT>", b"<TRNAMT>5,0x</TRNAMT>")
    with pytest.raises(FileRejected) as info:
        parse_file(bad, fmt=FileFormat.OFX)
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "TRNAMT")]


def test_ofx_sgml_without_header_is_read() -> None:
    body = b"""
<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>55<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20250101<DTEND>20250102
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250101<TRNAMT>-1.00<FITID>A<NAME>X</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>1<DTASOF>20250102</LEDGERBAL></STMTRS>
</STMTTRNRS></BANKMSGSRSV1></OFX>"""
    rows = list(parse_file(body, filename="x.qfx").rows)
    assert [(r.external_id, r.amount_minor) for r in rows] == [("55:A", 100)]


def test_not_ofx_at_all_is_rejected() -> None:
    with pytest.raises(FileRejected):
        parse_file(b"hello world", fmt=FileFormat.OFX)


CAMT_V8 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-02T08:00:00+01:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>KW81CBKU0000000000001234560101</IBAN></Id></Acct>
<Ntry><Amt Ccy="KWD">12.345</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2025-03-01</Dt></BookgDt><ValDt><Dt>2025-03-01</Dt></ValDt>
<AcctSvcrRef>REF-1</AcctSvcrRef>
<NtryDtls><TxDtls>
<RltdDts><AccptncDtTm>2025-02-28T21:10:00+03:00</AccptncDtTm></RltdDts>
<RltdPties><Cdtr><Pty><Nm>SALESFORCE.COM</Nm></Pty></Cdtr></RltdPties>
<RmtInf><Ustrd>Invoice 778</Ustrd></RmtInf>
</TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="KWD">1.000</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><Dt>2025-03-02</Dt></BookgDt><NtryRef>N-2</NtryRef>
<AddtlNtryInf>INTEREST</AddtlNtryInf></Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
"""


def test_camt053_v8_entries() -> None:
    data = CAMT_V8.encode()
    assert detect_format(data, "statement.xml") == FileFormat.CAMT053
    rows = list(parse_file(data).rows)
    account = "KW81CBKU0000000000001234560101"
    assert [(r.external_id, r.amount_minor, r.currency) for r in rows] == [
        (f"{account}:REF-1", 12345, "KWD"),
        (f"{account}:N-2", -1000, "KWD"),
    ]
    assert rows[0].descriptor == "SALESFORCE.COM"
    assert rows[0].memo == "Invoice 778"
    assert rows[0].transaction_date == date(2025, 2, 28)
    assert rows[0].posted_date == date(2025, 3, 1)
    assert rows[0].raw["status"] == "BOOK"
    assert rows[1].descriptor == "INTEREST"


def test_camt053_entry_errors_are_reported_per_entry() -> None:
    bad = CAMT_V8.replace("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>XXXX</CdtDbtInd>").replace(
        '<Amt Ccy="KWD">12.345</Amt>', "<Amt>12.345</Amt>"
    )
    with pytest.raises(FileRejected) as info:
        parse_file(bad.encode(), fmt=FileFormat.CAMT053)
    assert [(e.row, e.field) for e in info.value.errors] == [(1, "Amt"), (2, "CdtDbtInd")]


_DTD = b'<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
_CAMT_ROOT = (
    b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt/></Document>'
)


@pytest.mark.parametrize(
    "document",
    [
        # Issue #14: a byte scan of the first 4 KB missed these.
        b'<?xml version="1.0"?>' + b" " * 5000 + _DTD + _CAMT_ROOT,
        b'<?xml version="1.0"?>'
        + b" " * 5000
        + b'<!DOCTYPE Document SYSTEM "http://127.0.0.1:9/x.dtd">'
        + _CAMT_ROOT,
        b"<?xml version='1.0'?><!--" + b"x" * 5000 + b"-->" + _DTD + _CAMT_ROOT,
        ('<?xml version="1.0" encoding="UTF-16"?>' + _DTD.decode() + _CAMT_ROOT.decode()).encode(
            "utf-16"
        ),
    ],
    ids=["entity-after-padding", "external-dtd-after-padding", "after-a-comment", "utf-16"],
)
def test_camt053_refuses_a_dtd_wherever_and_however_it_is_written(document: bytes) -> None:
    with pytest.raises(FileRejected, match="DTD or entities"):
        parse_file(document, fmt=FileFormat.CAMT053)


def test_camt053_refuses_entities_and_other_documents() -> None:
    with pytest.raises(FileRejected):
        parse_file(
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', fmt=FileFormat.CAMT053
        )
    with pytest.raises(FileRejected):
        parse_file(b"<Document xmlns='urn:other'/>", fmt=FileFormat.CAMT053)
    with pytest.raises(FileRejected):
        parse_file(b"<Document", fmt=FileFormat.CAMT053)


BAI2 = """01,BANKID,CUSTID,250301,0800,1,,,2/
02,CUSTID,BANKID,1,250228,2400,USD,2/
03,5550001,USD,010,100000,,,015,95000,,,/
16,475,4200,,CHK123,,CHECK PAID ATLASSIAN/
16,165,1000,,DEP9,,ACH CREDIT/
49,200200,4/
98,200200,1,6/
99,200200,1,8/
"""


def test_bai2_debits_and_credits() -> None:
    data = BAI2.encode()
    assert detect_format(data, None) == FileFormat.BAI2
    rows = list(parse_file(data).rows)
    assert [(r.external_id, r.amount_minor, r.currency, r.transaction_date) for r in rows] == [
        ("5550001:CHK123", 4200, "USD", date(2025, 2, 28)),
        ("5550001:DEP9", -1000, "USD", date(2025, 2, 28)),
    ]
    assert rows[0].descriptor == "CHECK PAID ATLASSIAN"


def test_bai2_bad_control_total_is_rejected() -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(BAI2.replace("49,200200,4/", "49,200201,4/").encode(), fmt=FileFormat.BAI2)
    assert "control total" in info.value.errors[0].message


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"OFXHEADER:100\nDATA:OFXSGML\n", None, FileFormat.OFX),
        (b"\xef\xbb\xbf<OFX>", None, FileFormat.OFX),
        (
            b"<?xml version='1.0'?><Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'>",
            None,
            FileFormat.CAMT053,
        ),
        (b"01,a,b,250101,0000,1,,,2/\n02,x\n", None, FileFormat.BAI2),
        (b"Date,Description,Amount\n", "x.csv", FileFormat.CSV),
        (b"anything", "x.qfx", FileFormat.OFX),
        (b"anything", "x.bai2", FileFormat.BAI2),
        (b"anything", None, FileFormat.CSV),
    ],
)
def test_detect_format(data: bytes, filename: str | None, expected: FileFormat) -> None:
    assert detect_format(data, filename) == expected


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1234.56", "USD", 123456),
        ("1500", "JPY", 1500),
        ("1500", "KRW", 1500),
        ("1.234", "BHD", 1234),
        ("0.5", "TND", 500),
        ("(1,000.00)", "EUR", -100000),
        ("-0.00", "USD", 0),
        ("1.", "USD", 100),
        (".5", "USD", 50),
        ("-12.3", "BHD", -12300),
        ("12.340", "USD", 1234),
        ("92233720368547758.07", "USD", 2**63 - 1),
        ("-92,233,720,368,547,758.07", "USD", -(2**63 - 1)),
    ],
)
def test_parse_minor(text: str, currency: str, minor: int) -> None:
    assert parse_minor(text, currency) == minor


@pytest.mark.parametrize("text", ["", "abc", "1e5", "NaN", "1_000", "12.3.4", "--1", "Infinity"])
def test_parse_minor_rejects(text: str) -> None:
    with pytest.raises(AmountError):
        parse_minor(text, "USD")


@pytest.mark.parametrize(
    "text",
    [
        "92233720368547758.08",  # one past a signed 64-bit column
        "1" + "0" * 30,
        "1,000,000,000,000,000,000.00",
        # Beyond the decimal context's 28 digits: must not be rounded into an acceptable value.
        "1.0000000000000000000000000000001",
        "12345678901234567890123456789.5",
    ],
)
def test_parse_minor_refuses_out_of_range_and_hidden_decimals(text: str) -> None:
    with pytest.raises(AmountError):
        parse_minor(text, "USD")


def test_decimal_to_minor_refuses_to_round() -> None:
    assert exponent("JPY") == 0
    with pytest.raises(AmountError):
        decimal_to_minor(Decimal("1.5"), "JPY")
    assert decimal_to_minor(Decimal("1.500"), "USD") == 150


def test_ofx_elements_out_of_spec_order_and_decimal_comma_are_read() -> None:
    body = b"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE
ENCODING:USASCII
CHARSET:1252
COMPRESSION:NONE
OLDFILEUID:NONE
NEWFILEUID:NONE

<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>1<ACCTID>55<ACCTTYPE>CHECKING</BANKACCTFROM>
<LEDGERBAL><BALAMT>1<DTASOF>20250102</LEDGERBAL>
<BANKTRANLIST><DTSTART>20250101<DTEND>20250102
<STMTTRN><TRNTYPE>DEBIT<NAME>X &amp; Y<DTPOSTED>20250101<TRNAMT>-12,50<FITID>A<MEMO>m
</STMTTRN></BANKTRANLIST></STMTRS>
</STMTTRNRS></BANKMSGSRSV1></OFX>"""
    rows = list(parse_file(body).rows)
    assert [(r.descriptor, r.amount_minor, r.currency, r.memo) for r in rows] == [
        ("X & Y", 1250, "EUR", "m")
    ]


CAMT_BATCH = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
<BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-02T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">{total}</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2025-03-03</Dt></BookgDt><AcctSvcrRef>CARDS-0303</AcctSvcrRef>
<NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>
<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">49.00</Amt></TxAmt></AmtDtls>
<RltdPties><Cdtr><Nm>FIGMA</Nm></Cdtr></RltdPties>
<RltdDts><AccptncDtTm>2025-03-01T10:00:00</AccptncDtTm></RltdDts></TxDtls>
<TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">20.00</Amt></TxAmt></AmtDtls>
<RltdPties><Cdtr><Nm>NOTION LABS</Nm></Cdtr></RltdPties>
<RltdDts><AccptncDtTm>2025-03-02T10:00:00</AccptncDtTm></RltdDts></TxDtls>
</NtryDtls></Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
"""


def test_camt053_batch_entry_is_split_into_its_transactions() -> None:
    rows = list(parse_file(CAMT_BATCH.format(total="69.00").encode()).rows)
    account = "DE02120300000000202051"
    assert [(r.external_id, r.amount_minor, r.descriptor, r.transaction_date) for r in rows] == [
        (f"{account}:CARDS-0303/1", 4900, "FIGMA", date(2025, 3, 1)),
        (f"{account}:CARDS-0303/2", 2000, "NOTION LABS", date(2025, 3, 2)),
    ]
    assert all(r.posted_date == date(2025, 3, 3) for r in rows)
    assert rows[1].raw["batch"] == {"part": 2, "parts": 2, "entry_amount": "69.00"}
    # Parts that do not add up to the entry: the entry stays whole, as booked.
    whole = list(parse_file(CAMT_BATCH.format(total="70.00").encode()).rows)
    assert [(r.external_id, r.amount_minor) for r in whole] == [(f"{account}:CARDS-0303", 7000)]


def test_a_camt_file_object_is_read_in_place_from_its_position() -> None:
    # An upload is spooled to disk and handed over as a file: CAMT is iterparsed from it
    # (twice: validation, then the rows) rather than read into memory whole.
    prefix = b"not part of the upload"
    stream = io.BytesIO(prefix + CAMT_V8.encode())
    stream.seek(len(prefix))
    from_file = list(parse_file(stream, fmt=FileFormat.CAMT053).rows)
    assert from_file == list(parse_file(CAMT_V8.encode(), fmt=FileFormat.CAMT053).rows)
    assert from_file
