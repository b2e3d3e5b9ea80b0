"""MT940 on small statements written for these tests: signs, dates, ids, and a table of sloppy
variants that must import unchanged or be refused with their row and tag."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from connectors.base import Channel
from connectors.files import FileFormat, FileRejected, detect_format, parse_file
from tests.connectors_files.helpers import rows_of, swap

STATEMENT = """:20:STMT-0301
:25:DE89370400440532013000
:28C:00042/001
:60F:C250228EUR1000,00
:61:2503010301D49,00NDDTNONREF//BR-1
:86:105?00SEPA-BASIS-LASTSCHRIFT?20EREF+INV-42?21SVWZ+Figma Professional?32FIGMA INC
:61:2503020302C12,50NTRFNONREF
:86:REFUND NOTION LABS
:61:2503030304RC5,00NMSCNONREF
:86:STORNO GUTSCHRIFT
:61:2503040304RD2,00NMSCNONREF
:86:STORNO LASTSCHRIFT
:62F:C250304EUR960,50
-
"""


def test_signs_dates_descriptors_and_ids() -> None:
    rows = rows_of(STATEMENT)
    assert [r.amount_minor for r in rows] == [4900, -1250, 500, -200]  # D, C, RC, RD
    first = rows[0]
    assert first.external_id == "DE89370400440532013000:2025-03-01:BR-1:4900"
    assert first.descriptor == "FIGMA INC"
    assert first.memo == "Figma Professional"
    assert first.raw["end_to_end_reference"] == "INV-42"
    assert first.currency == "EUR"
    assert first.channel == Channel.INVOICE
    assert rows[2].transaction_date == date(2025, 3, 4)  # the entry date
    assert rows[2].raw["value_date"] == "2025-03-03"
    assert rows[1].descriptor == "REFUND NOTION LABS"
    assert [r.external_id for r in rows] == [r.external_id for r in rows_of(STATEMENT)]


def test_detected_by_content_whatever_the_name() -> None:
    for name in (None, "export.txt", "statement.csv", "x.sta"):
        assert detect_format(STATEMENT.encode(), name) == FileFormat.MT940


def test_identical_lines_are_kept_apart_and_numbered() -> None:
    twice = STATEMENT.replace(
        ":62F:", ":61:2503020302C12,50NTRFNONREF\n:86:REFUND NOTION LABS\n:62F:"
    ).replace("960,50", "968,00")
    ids = [r.external_id for r in rows_of(twice)]
    assert ids[1] + "#2" == ids[4]


def test_zero_decimal_currency_and_year_end_entry_date() -> None:
    text = (
        ":20:X\n:25:JP-1\n:60F:C241231JPY100000,\n:61:2412310102D1500,NTRFNONREF\n"
        ":86:SLACK\n:62F:C250102JPY98500,\n"
    )
    (row,) = rows_of(text)
    assert (row.amount_minor, row.currency) == (1500, "JPY")
    assert row.transaction_date == date(2025, 1, 2)  # entry date after the year end
    assert row.raw["value_date"] == "2024-12-31"


def test_a_balance_that_does_not_add_up_is_a_warning_not_a_refusal() -> None:
    parsed = parse_file(STATEMENT.replace("960,50", "900,00").encode())
    assert parsed.row_count == 4
    (warning,) = parsed.warnings
    assert "960.50 EUR" in warning.message
    assert "900.00 EUR" in warning.message


SURVIVED = [
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: t.replace("\n", "\r"), id="bare-cr"),
    pytest.param(lambda t: t.rstrip("\n-"), id="no-final-newline-nor-dash"),
    pytest.param(lambda t: "\ufeff" + t, id="bom"),
    pytest.param(lambda t: "\x01\n" + t + "\x03", id="soh-etx-marks"),
    pytest.param(
        lambda t: (
            "{1:F01COBADEFFXXX0000000000}{2:O9400000250304COBADEFFXXX00000000002503040000N}"
            "{4:\n" + t.replace("-\n", "-}{5:{CHK:ABCDEF}}\n")
        ),
        id="swift-envelope",
    ),
    pytest.param(lambda t: t.replace(":28C:00042/001\n", ""), id="no-statement-number"),
    pytest.param(lambda t: t.replace(":20:STMT-0301", ":20:"), id="empty-reference"),
    pytest.param(swap(":62F:C250304EUR960,50", ":62F:C250304EUR"), id="closing-amount-empty"),
    pytest.param(swap(":62F:C250304EUR960,50\n", ""), id="no-closing-balance"),
    pytest.param(swap(":62F:C250304EUR960,50", ":62F:garbage"), id="closing-malformed"),
    pytest.param(swap(":86:REFUND NOTION LABS", ":86:"), id="empty-86"),
    pytest.param(lambda t: t.replace("\n\n", "\n").replace(":61:", "\n:61:"), id="blank-lines"),
    pytest.param(swap(":86:STORNO GUTSCHRIFT", ":86:STORNO\n:\n86:X"), id="tag-split-over-lines"),
    pytest.param(swap("D49,00NDDT", "d49,00NDDT"), id="lower-case-mark"),
    pytest.param(swap(":28C:00042/001", ":13D:2503041200+0100"), id="mt942-date-time"),
    pytest.param(swap(":28C:00042/001", ":28C:ABC"), id="odd-statement-number"),
    pytest.param(swap(":86:STORNO LASTSCHRIFT", ":86:STORNO\n:99:UNKNOWN TAG"), id="unknown-tag"),
]


@pytest.mark.parametrize("change", SURVIVED)
def test_sloppy_variants_that_put_no_transaction_in_doubt_import_the_same(
    change: Callable[[str], str],
) -> None:
    expected = [(r.amount_minor, r.transaction_date, r.currency) for r in rows_of(STATEMENT)]
    text = change(STATEMENT)
    assert detect_format(text.encode(), "x.txt") == FileFormat.MT940
    rows = rows_of(text)
    assert [(r.amount_minor, r.transaction_date, r.currency) for r in rows] == expected


def test_latin1_and_cp852_text_is_read() -> None:
    german = STATEMENT.replace("REFUND NOTION LABS", "Rückerstattung Müller")
    (row,) = [r for r in rows_of(german.encode("cp1252")) if r.amount_minor == -1250]
    assert row.descriptor == "Rückerstattung Müller"
    hungarian = STATEMENT.replace("REFUND NOTION LABS", "Csoportos átutalás kőbánya")
    (row,) = [r for r in rows_of(hungarian.encode("cp852")) if r.amount_minor == -1250]
    assert row.descriptor == "Csoportos átutalás kőbánya"


REFUSED = [
    pytest.param(swap(":61:2503020302C12,50", ":61:2503020302X12,50"), 2, ":61:", id="bad-mark"),
    pytest.param(swap(":61:2503020302C12,50", ":61:2503020302C"), 2, ":61:", id="no-amount"),
    pytest.param(swap(":61:2503020302C12,50", ":61:2513020302C12,50"), 2, ":61:", id="month-13"),
    pytest.param(swap(":61:2503020302C12,50", ":61:ABCDEFC12,50"), 2, ":61:", id="bad-date"),
    pytest.param(swap("C12,50NTRF", "C12,505NTRF"), 2, ":61:", id="three-decimals-eur"),
    pytest.param(swap(":60F:C250228EUR1000,00\n", ""), 1, ":60F:", id="no-balance-no-currency"),
    pytest.param(
        swap(":86:REFUND NOTION LABS", ":25:REFUND NOTION LABS"), 2, ":25:", id="86-as-25"
    ),
]


@pytest.mark.parametrize(("change", "row", "tag"), REFUSED)
def test_sloppy_variants_that_would_change_a_transaction_are_refused(
    change: Callable[[str], str], row: int, tag: str
) -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(change(STATEMENT).encode(), fmt=FileFormat.MT940)
    first = info.value.errors[0]
    assert (first.row, first.field) == (row, tag)
    assert "line " in first.message
    assert "row" not in first.message  # said once, by the error's own row


def test_every_bad_line_is_reported_not_only_the_first() -> None:
    text = STATEMENT.replace("D49,00", "X49,00").replace("C12,50", "Q12,50")
    with pytest.raises(FileRejected) as info:
        parse_file(text.encode(), fmt=FileFormat.MT940)
    assert [e.row for e in info.value.errors] == [1, 2]


def test_an_error_does_not_echo_the_details_of_other_lines() -> None:
    text = STATEMENT.replace("D49,00", "X49,00").replace("FIGMA INC", "CARD 4111111111111111")
    with pytest.raises(FileRejected) as info:
        parse_file(text.encode(), fmt=FileFormat.MT940)
    assert "4111" not in str(info.value)


def test_not_mt940_at_all() -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(b"1\n2\n3\n", fmt=FileFormat.MT940)
    assert "not an MT940 statement" in info.value.errors[0].message
