"""Rows that are not purchases: recognised per format, refunds left as refunds."""

from __future__ import annotations

import pytest

from connectors.base import Channel, Kind
from connectors.files.kinds import kind_of
from tests.connectors_files.helpers import rows_of

CARD, BANK = Channel.CARD, Channel.INVOICE


@pytest.mark.parametrize(
    ("descriptor", "amount", "channel", "kind"),
    [
        ("PAYMENT RECEIVED - THANK YOU", -150000, CARD, Kind.PAYMENT),
        ("AUTOPAY PAYMENT - THANK YOU", -9000, CARD, Kind.PAYMENT),
        ("ONLINE PAYMENT, THANK YOU", -100, CARD, Kind.PAYMENT),
        # A "payment" going out of a card is not its bill being paid.
        ("ONLINE PAYMENT PROCESSING FEE", 500, CARD, Kind.PURCHASE),
        # Refunds stay refunds, even from a merchant with "payment" in its line of business.
        ("ZOOM.US 888-799-9666 CA", -14990, CARD, Kind.PURCHASE),
        ("STRIPE PAYMENTS REFUND", -2000, CARD, Kind.PURCHASE),
        ("AMEX EPAYMENT ACH PMT", 150000, BANK, Kind.PAYMENT),
        ("CHASE CREDIT CRD AUTOPAY 250101", 9000, BANK, Kind.PAYMENT),
        ("AMEX EPAYMENT ACH PMT", -150000, BANK, Kind.PURCHASE),
        ("INTEREST CHARGE ON PURCHASES", 1234, CARD, Kind.INTEREST),
        ("Interest earned", -12, BANK, Kind.INTEREST),
        ("Beginning balance as of 01/01/2025", 0, BANK, Kind.BALANCE),
        ("ONLINE TRANSFER TO SAV ...4821", 50000, BANK, Kind.TRANSFER),
        ("Online Transfer from CHK ...1234", -50000, BANK, Kind.TRANSFER),
        # Words inside other words are not the phrase.
        ("INTERESTING TIMES LTD", 100, BANK, Kind.PURCHASE),
        ("NOTION LABS", 1000, CARD, Kind.PURCHASE),
    ],
)
def test_descriptor_rules(descriptor: str, amount: int, channel: Channel, kind: Kind) -> None:
    assert kind_of(descriptor, amount, channel) is kind


AMEX = """Date,Description,Card Member,Account #,Amount
01/05/2026,ZOOM.US 888-799-9666 CA,JANE DOE,-41004,149.90
01/09/2026,PAYMENT RECEIVED - THANK YOU,JANE DOE,-41004,-1500.00
01/12/2026,ZOOM.US 888-799-9666 CA,JANE DOE,-41004,-149.90
01/15/2026,INTEREST CHARGE ON PURCHASES,JANE DOE,-41004,12.34
"""


def test_amex_payment_and_interest_are_not_spend_the_refund_is() -> None:
    rows = rows_of(AMEX)
    assert [(r.amount_minor, r.kind) for r in rows] == [
        (14990, Kind.PURCHASE),
        (-150000, Kind.PAYMENT),
        (-14990, Kind.PURCHASE),
        (1234, Kind.INTEREST),
    ]
    assert {r.cardholder_name for r in rows} == {"JANE DOE"}


CHASE = """Transaction Date,Post Date,Description,Category,Type,Amount,Memo
01/15/2025,01/16/2025,ATLASSIAN,Shopping,Sale,-42.00,
01/18/2025,01/18/2025,AUTOMATIC PAYMENT - THANK,,Payment,500.00,
01/20/2025,01/21/2025,ZOOM.US 888-799-9666,Bills & Utilities,Return,14.99,
"""


def test_a_type_column_says_the_kind() -> None:
    rows = rows_of(CHASE)
    assert [(r.amount_minor, r.kind) for r in rows] == [
        (4200, Kind.PURCHASE),
        (-50000, Kind.PAYMENT),
        (-1499, Kind.PURCHASE),
    ]


QIF = """!Type:Bank
D2025-01-01
T1000.00
POpening Balance
L[Checking]
^
D2025-01-02
T-200.00
PTo savings
L[Savings]
^
D2025-01-03
T-20.00
PNOTION LABS
LSoftware
^
"""


def test_qif_transfers_and_opening_balance() -> None:
    assert [r.kind for r in rows_of(QIF)] == [Kind.BALANCE, Kind.TRANSFER, Kind.PURCHASE]


def test_ofx_card_payment_and_interest_codes() -> None:
    body = b"""OFXHEADER:100
DATA:OFXSGML
VERSION:102

<OFX><CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<CCSTMTRS><CURDEF>USD<CCACCTFROM><ACCTID>4111111111117730</CCACCTFROM>
<BANKTRANLIST><DTSTART>20250101<DTEND>20250131
<STMTTRN><TRNTYPE>PAYMENT<DTPOSTED>20250105<TRNAMT>500.00<FITID>P1<NAME>THANK YOU</STMTTRN>
<STMTTRN><TRNTYPE>INT<DTPOSTED>20250131<TRNAMT>-3.21<FITID>I1<NAME>FINANCE CHARGE</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20250106<TRNAMT>-10.00<FITID>D1<NAME>FIGMA</STMTTRN>
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20250107<TRNAMT>10.00<FITID>R1<NAME>FIGMA</STMTTRN>
</BANKTRANLIST></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1></OFX>"""
    assert [(r.amount_minor, r.kind) for r in rows_of(body)] == [
        (-50000, Kind.PAYMENT),
        (321, Kind.INTEREST),
        (1000, Kind.PURCHASE),
        (-1000, Kind.PURCHASE),
    ]


def test_mt940_interest_type_code() -> None:
    text = ":20:X\n:25:A1\n:60F:C250101EUR0,00\n:61:2501310131C1,23NINTNONREF\n:86:ABSCHLUSS\n"
    (row,) = rows_of(text)
    assert (row.amount_minor, row.kind) == (-123, Kind.INTEREST)
