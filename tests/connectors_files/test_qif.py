"""QIF on exports written for these tests (shapes as Quicken, GnuCash, Moneydance and banks
write them): signs, date orders, decimal separators, skipped sections, and a table of sloppy
variants that import unchanged or are refused with their record and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from connectors.base import Channel
from connectors.files import FileFormat, FileRejected, detect_format, parse_file
from tests.connectors_files.helpers import rows_of, swap

BANK = """!Option:AutoSwitch
!Account
NBusiness Checking
TBank
^
NCorporate Card
TCCard
^
!Clear:AutoSwitch
!Type:Cat
NSoftware
DSubscriptions
E
^
!Account
NBusiness Checking
TBank
^
!Type:Bank
D1/15'25
T-1,510.00
N1044
PDATADOG INC
MObservability, January
LSoftware
^
D1/17'25
T2,000.00
PCUSTOMER PAYMENT
LIncome
^
D1/20'25
T-250.00
PTransfer to card
L[Corporate Card]
^
!Account
NCorporate Card
TCCard
^
!Type:CCard
D01/21/2025
T-49.00
PFIGMA
LSoftware
SSoftware
EDesign seats
$-40.00
SSoftware
EViewer seats
$-9.00
^
D01/22/2025
T15.00
PFIGMA REFUND
^
!Type:Memorized
KP
T-10.00
PNETFLIX
^
!Type:Invst
D1/23'25
NBuy
YAAPL
Q10
T1800.00
^
"""


def test_signs_accounts_channels_and_fields() -> None:
    assert detect_format(BANK.encode(), "export.txt") == FileFormat.QIF
    rows = rows_of(BANK, default_currency="EUR")
    assert [(r.amount_minor, r.transaction_date, r.channel) for r in rows] == [
        (151000, date(2025, 1, 15), Channel.INVOICE),
        (-200000, date(2025, 1, 17), Channel.INVOICE),
        (25000, date(2025, 1, 20), Channel.INVOICE),
        (4900, date(2025, 1, 21), Channel.CARD),
        (-1500, date(2025, 1, 22), Channel.CARD),
    ]  # memorised and investment records are not the account's transactions
    first = rows[0]
    assert (first.descriptor, first.memo, first.currency) == (
        "DATADOG INC",
        "Observability, January",
        "EUR",
    )
    assert first.raw["account"] == "Business Checking"
    assert first.raw["category"] == "Software"
    assert first.raw["check_number"] == "1044"
    assert first.external_id.startswith("Business Checking:")
    assert rows[2].raw["to_account"] == "Corporate Card"
    assert rows[3].raw["account"] == "Corporate Card"
    assert [s["amount"] for s in rows[3].raw["splits"]] == ["-40.00", "-9.00"]
    assert [r.external_id for r in rows] == [r.external_id for r in rows_of(BANK)]


def _dates(text: str) -> list[date]:
    return [r.transaction_date for r in rows_of(text)]


def _records(*dates: str) -> str:
    return "!Type:Bank\n" + "".join(f"D{d}\nT-1.00\nPX{i}\n^\n" for i, d in enumerate(dates))


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        # A day above 12 settles the order for the whole file.
        (("03/04/2025", "13/04/2025"), [date(2025, 4, 3), date(2025, 4, 13)]),
        (("04/03/2025", "04/13/2025"), [date(2025, 4, 3), date(2025, 4, 13)]),
        # Every date fits both: the reading that spans fewer days (1-12 March, not 12 months).
        (
            ("01/03/2025", "05/03/2025", "12/03/2025"),
            [date(2025, 3, 1), date(2025, 3, 5), date(2025, 3, 12)],
        ),
        # Quicken's own forms: apostrophe years, spaces for zeros, dots, ISO, compact.
        ((" 1/ 5'98", "1/15'03"), [date(2098, 1, 5), date(2003, 1, 15)]),
        (("1/5/98", "12/31/69"), [date(1998, 1, 5), date(2069, 12, 31)]),
        (("2025-01-05", "20250106"), [date(2025, 1, 5), date(2025, 1, 6)]),
        (("10.18.23",), [date(2023, 10, 18)]),
    ],
)
def test_date_orders(dates: tuple[str, ...], expected: list[date]) -> None:
    assert _dates(_records(*dates)) == expected


def test_the_files_own_date_order_option_wins() -> None:
    text = "!Option:DMY\n" + _records("01/02/2025", "03/02/2025")
    assert _dates(text) == [date(2025, 2, 1), date(2025, 2, 3)]


def test_a_date_that_fits_no_single_order_is_refused_with_its_record() -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(_records("13/01/2025", "01/13/2025", "14/01/2025").encode())
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "D")]


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (("-1.234,56", "-12,50"), [123456, 1250]),
        (("-1,234.56", "-12.50"), [123456, 1250]),
        (("-1234", "-5"), [123400, 500]),
    ],
)
def test_decimal_separator_is_the_files(amounts: tuple[str, ...], expected: list[int]) -> None:
    text = "!Type:Bank\n" + "".join(
        f"D2025-01-0{i + 1}\nT{a}\nPX\n^\n" for i, a in enumerate(amounts)
    )
    assert [r.amount_minor for r in rows_of(text)] == expected


SURVIVED = [
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: "\ufeff" + t, id="bom"),
    pytest.param(lambda t: t.rstrip("^\n"), id="no-final-caret-nor-newline"),
    pytest.param(lambda t: t.replace("^\n", "^\n\n"), id="blank-lines"),
    pytest.param(lambda t: "# exported by a bank\n" + t, id="comment"),
    pytest.param(swap("N1044\n", "N1044\nKX\nBunknown code\n"), id="unknown-line-codes"),
    pytest.param(swap("$-9.00", "$-900.00"), id="splits-that-do-not-add-up"),
    pytest.param(swap("!Type:Bank\n", "!Type:Bank \n"), id="header-trailing-space"),
    pytest.param(swap("!Type:CCard", "!type:ccard"), id="lower-case-header"),
    pytest.param(swap("T-1,510.00", "T-1,510.00\nU-1,510.00"), id="u-equal-to-t"),
    pytest.param(swap("PDATADOG INC", "P"), id="empty-payee"),
]


@pytest.mark.parametrize("change", SURVIVED)
def test_sloppy_variants_that_put_no_transaction_in_doubt_import_the_same(
    change: Callable[[str], str],
) -> None:
    expected = [(r.amount_minor, r.transaction_date) for r in rows_of(BANK)]
    assert [(r.amount_minor, r.transaction_date) for r in rows_of(change(BANK))] == expected


def test_latin1_payees() -> None:
    text = BANK.replace("PDATADOG INC", "PMÜLLER GMBH")
    assert rows_of(text.encode("cp1252"))[0].descriptor == "MÜLLER GMBH"


REFUSED = [
    pytest.param(swap("D1/17'25\n", ""), 2, "D", id="no-date"),
    pytest.param(swap("T2,000.00\n", ""), 2, "T", id="no-amount"),
    pytest.param(swap("T2,000.00", "Ttwo thousand"), 2, "T", id="amount-not-a-number"),
    pytest.param(swap("T2,000.00", "T2,000.005"), 2, "T", id="three-decimals"),
    pytest.param(swap("D1/17'25", "D2/30'25"), 2, "D", id="february-30"),
    pytest.param(swap("D1/17'25", "Dyesterday"), 2, "D", id="date-not-a-date"),
    pytest.param(swap("T-1,510.00", "T-1,510.00\nU-1,500.00"), 1, "U", id="u-differs-from-t"),
    pytest.param(swap("!Type:CCard", "!Type:Creditcard"), None, "!Type", id="unknown-type"),
]


@pytest.mark.parametrize(("change", "row", "field"), REFUSED)
def test_sloppy_variants_that_would_change_a_transaction_are_refused(
    change: Callable[[str], str], row: int | None, field: str
) -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(change(BANK).encode(), fmt=FileFormat.QIF)
    first = info.value.errors[0]
    assert (first.row, first.field) == (row, field)
    assert "line " in first.message


def test_not_qif_at_all() -> None:
    with pytest.raises(FileRejected):
        parse_file(b"hello\nworld\n", fmt=FileFormat.QIF)


def test_a_header_only_file_has_no_rows() -> None:
    assert parse_file(b"!Type:Bank\n", fmt=FileFormat.QIF).row_count == 0
