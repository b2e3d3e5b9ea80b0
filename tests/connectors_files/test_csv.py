"""CSV presets, mappings, auto-detection, whole-file rejection and stable ids."""

from __future__ import annotations

import importlib.util
import io
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from connectors.base import Channel, RawTransaction, stable_id
from connectors.files import (
    PRESETS,
    CsvMapping,
    FileFormat,
    FileRejected,
    parse_file,
)
from connectors.files.csv_import import _content_id

REPO = Path(__file__).resolve().parents[2]


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_card_csv", REPO / "bench/gen_card_csv.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows_of(text: str | bytes, **kwargs: object) -> list[RawTransaction]:
    data = text.encode() if isinstance(text, str) else text
    return list(parse_file(data, fmt=FileFormat.CSV, **kwargs).rows)  # type: ignore[arg-type]


AMEX = """Date,Description,Card Member,Account #,Amount,Extended Details,Appears On Your Statement As,Address,City/State,Zip Code,Country,Reference,Category
03/04/2025,GITHUB INC,JANE DOE,-41007,21.00,"GITHUB INC
GITHUB.COM CA",GITHUB.COM/BILL SAN FRANCISCO CA,88 COLIN P KELLY JR ST,"SAN FRANCISCO
CA",94107,UNITED STATES,'320250630123456789',Business Services-Software
03/06/2025,FIGMA,JANE DOE,-41007,-15.00,FIGMA REFUND,FIGMA.COM SAN FRANCISCO,,,,,'320250650000000001',Business Services-Software
"""

CHASE = """Transaction Date,Post Date,Description,Category,Type,Amount,Memo
01/15/2025,01/16/2025,ATLASSIAN,Shopping,Sale,-42.00,
01/17/2025,01/17/2025,ZOOM.US 888-799-9666,Bills & Utilities,Sale,-14.99,team plan
01/20/2025,01/21/2025,ZOOM.US 888-799-9666,Bills & Utilities,Return,14.99,
"""

GENERIC_BANK = """Date,Description,Debit,Credit,Balance
2025-02-01,DATADOG INC,"1,510.00",,8490.00
2025-02-03,CUSTOMER PAYMENT,,"2,000.00",10490.00
"""

RAMP = """Transaction ID,User Transaction Time,Settlement Date,Merchant Name,Merchant Descriptor,Amount,Currency,Merchant Category Code,User,User Email,Department,Card Last 4,Memo
c0ffee00-0001,2025-03-01T17:22:05Z,2025-03-03,Notion,NOTION LABS INC,10.00,USD,5734,Ana Lima,ana@acme.example,Marketing,4821,wiki
c0ffee00-0002,2025-03-02T09:00:00Z,2025-03-04,Canva,CANVA* I03812,12.99,EUR,5734,Ana Lima,ana@acme.example,Marketing,4821,
"""

BREX = """Transaction ID,Transaction Date,Posted Date,Merchant Name,Description,Amount,Currency,User,Department,Card Last Four,MCC,Memo
brx_1,2025-04-02,2025-04-03,Linear,LINEAR ORBIT INC,16.00,USD,Ben Okafor,Engineering,1934,5734,
brx_2,2025-04-05,2025-04-06,Datadog,DATADOG INC NEW YORK,1510.00,USD,Ben Okafor,Engineering,1934,7372,observability
"""

EXPENSIFY = """Timestamp,Merchant,Amount,MCC,Category,Tag,Comment,Reimbursable,Original Currency,Original Amount,Receipt
2025-05-01 10:22:33,Miro,8.00,5734,Software,,whiteboard,yes,USD,8.00,
2025-05-02 12:00:00,Uber,23.50,4121,Travel,,,no,JPY,2350,
"""

PRESET_CASES = [
    pytest.param(
        "amex",
        AMEX,
        [
            (
                "320250630123456789",
                date(2025, 3, 4),
                2100,
                "USD",
                "GITHUB.COM/BILL SAN FRANCISCO CA",
            ),
            ("320250650000000001", date(2025, 3, 6), -1500, "USD", "FIGMA.COM SAN FRANCISCO"),
        ],
        id="amex",
    ),
    pytest.param(
        "chase",
        CHASE,
        [
            (None, date(2025, 1, 15), 4200, "USD", "ATLASSIAN"),
            (None, date(2025, 1, 17), 1499, "USD", "ZOOM.US 888-799-9666"),
            (None, date(2025, 1, 20), -1499, "USD", "ZOOM.US 888-799-9666"),
        ],
        id="chase",
    ),
    pytest.param(
        "generic_bank",
        GENERIC_BANK,
        [
            (None, date(2025, 2, 1), 151000, "USD", "DATADOG INC"),
            (None, date(2025, 2, 3), -200000, "USD", "CUSTOMER PAYMENT"),
        ],
        id="generic_bank",
    ),
    pytest.param(
        "ramp",
        RAMP,
        [
            ("c0ffee00-0001", date(2025, 3, 1), 1000, "USD", "NOTION LABS INC"),
            ("c0ffee00-0002", date(2025, 3, 2), 1299, "EUR", "CANVA* I03812"),
        ],
        id="ramp",
    ),
    pytest.param(
        "brex",
        BREX,
        [
            ("brx_1", date(2025, 4, 2), 1600, "USD", "LINEAR ORBIT INC"),
            ("brx_2", date(2025, 4, 5), 151000, "USD", "DATADOG INC NEW YORK"),
        ],
        id="brex",
    ),
    pytest.param(
        "expensify",
        EXPENSIFY,
        [
            (None, date(2025, 5, 1), 800, "USD", "Miro"),
            (None, date(2025, 5, 2), 2350, "JPY", "Uber"),
        ],
        id="expensify",
    ),
]


@pytest.mark.parametrize(("preset", "text", "expected"), PRESET_CASES)
def test_preset_reads_its_export(
    preset: str, text: str, expected: list[tuple[str | None, date, int, str, str]]
) -> None:
    rows = rows_of(text, preset=preset)
    got = [(r.transaction_date, r.amount_minor, r.currency, r.descriptor) for r in rows]
    assert got == [e[1:] for e in expected]
    for row, (external_id, *_rest) in zip(rows, expected, strict=True):
        if external_id is not None:
            assert row.external_id == external_id
        else:
            assert len(row.external_id) == 32


@pytest.mark.parametrize(("preset", "text", "expected"), PRESET_CASES)
def test_preset_is_detected_from_the_header(
    preset: str, text: str, expected: list[tuple[str | None, date, int, str, str]]
) -> None:
    parsed = parse_file(text.encode(), filename="export.csv")
    assert parsed.format == FileFormat.CSV
    assert parsed.preset == preset
    assert parsed.row_count == len(expected)


def test_amex_keeps_extended_details_card_and_cardholder() -> None:
    first = rows_of(AMEX, preset="amex")[0]
    assert first.memo == "GITHUB INC\nGITHUB.COM CA"
    assert first.merchant_name == "GITHUB INC"
    assert first.cardholder_name == "JANE DOE"
    assert first.card_last4 == "1007"
    assert first.raw["Zip Code"] == "94107"


def test_chase_keeps_post_date_and_memo() -> None:
    rows = rows_of(CHASE, preset="chase")
    assert rows[0].posted_date == date(2025, 1, 16)
    assert rows[1].memo == "team plan"
    assert rows[0].memo is None


def test_ramp_fields() -> None:
    first = rows_of(RAMP, preset="ramp")[0]
    assert first.posted_date == date(2025, 3, 3)
    assert first.merchant_name == "Notion"
    assert first.mcc == "5734"
    assert first.cardholder_email == "ana@acme.example"
    assert first.department_name == "Marketing"
    assert first.card_last4 == "4821"


def test_expensify_reimbursable_column_sets_the_channel() -> None:
    rows = rows_of(EXPENSIFY, preset="expensify")
    assert [r.channel for r in rows] == [Channel.REIMBURSEMENT, Channel.CARD]


def test_presets_serialise_round_trip() -> None:
    for name, mapping in PRESETS.items():
        dumped = mapping.model_dump(mode="json")
        assert CsvMapping.model_validate(dumped) == mapping, name


def test_custom_mapping_with_european_amounts_semicolons_and_day_first_dates() -> None:
    text = (
        "Buchungstag;Verwendungszweck;Betrag;Währung;Karte\n"
        "03.02.2025;SLACK TECHNOLOGIES;-1.234,56;EUR;**** 7730\n"
        "04.02.2025;GUTSCHRIFT;100,00;EUR;**** 7730\n"
    )
    mapping = CsvMapping(
        date="Buchungstag",
        descriptor="Verwendungszweck",
        amount="Betrag",
        currency="Währung",
        card_last4="Karte",
        sign="spend_negative",
        decimal_comma=True,
        date_format="%d.%m.%Y",
    )
    rows = rows_of(text.encode("latin-1"), mapping=mapping)
    assert [(r.transaction_date, r.amount_minor, r.currency) for r in rows] == [
        (date(2025, 2, 3), 123456, "EUR"),
        (date(2025, 2, 4), -10000, "EUR"),
    ]
    assert rows[0].card_last4 == "7730"


def test_mapping_from_json_accepts_a_single_name_or_candidates() -> None:
    mapping = CsvMapping.model_validate(
        {"date": "When", "descriptor": ["Shop", "Payee"], "amount": "Sum", "sign": "spend_positive"}
    )
    assert mapping.date == ("When",)
    rows = rows_of("When,Payee,Sum\n2025-01-02,ACME SAAS,5\n", mapping=mapping)
    assert rows[0].descriptor == "ACME SAAS"
    assert rows[0].amount_minor == 500


@pytest.mark.parametrize(
    ("amount", "minor"),
    [
        ("$1,234.56", 123456),
        ("(12.34)", -1234),
        ("12.34-", -1234),
        ("-$3.00", -300),
        ("USD 7.5", 750),
        ("  42 ", 4200),
    ],
)
def test_amount_notations(amount: str, minor: int) -> None:
    text = f'Date,Description,Amount\n2025-01-01,X,"{amount}"\n'
    mapping = CsvMapping(date="Date", descriptor="Description", amount="Amount")
    assert rows_of(text, mapping=mapping)[0].amount_minor == minor


def test_currency_exponents_are_respected() -> None:
    text = "Date,Description,Amount,Currency\n2025-01-01,A,1500,JPY\n2025-01-01,B,1.234,BHD\n"
    mapping = CsvMapping(
        date="Date", descriptor="Description", amount="Amount", currency="Currency"
    )
    assert [r.amount_minor for r in rows_of(text, mapping=mapping)] == [1500, 1234]


def test_too_many_decimals_for_the_currency_is_an_error() -> None:
    text = "Date,Description,Amount,Currency\n2025-01-01,A,15.5,JPY\n"
    mapping = CsvMapping(
        date="Date", descriptor="Description", amount="Amount", currency="Currency"
    )
    with pytest.raises(FileRejected) as info:
        rows_of(text, mapping=mapping)
    assert info.value.errors[0].row == 1
    assert info.value.errors[0].field == "Amount"


def test_an_amount_too_large_to_store_rejects_the_file() -> None:
    # Before: rounded to 28 digits, validated, then failed at insert after earlier batches
    # had been committed.
    text = "Date,Description,Amount\n2025-01-01,A,1.00\n2025-01-02,B,123456789012345678901.00\n"
    with pytest.raises(FileRejected) as info:
        rows_of(text)
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "Amount")]
    assert "out of range" in info.value.errors[0].message


def test_direction_column() -> None:
    text = "Date,Details,Amount,Type\n2025-01-01,AWS,10.00,DR\n2025-01-02,REFUND,4.00,CR\n"
    mapping = CsvMapping(date="Date", descriptor="Details", amount="Amount", direction="Type")
    assert [r.amount_minor for r in rows_of(text, mapping=mapping)] == [1000, -400]


def test_utf8_bom_and_quoted_fields() -> None:
    text = '\ufeffDate,Description,Amount\n2025-01-01,"ACME, INC ""PRO""",1.00\n'
    rows = rows_of(
        text.encode("utf-8"),
        mapping=CsvMapping(date="Date", descriptor="Description", amount="Amount"),
    )
    assert rows[0].descriptor == 'ACME, INC "PRO"'


def test_latin1_fallback_when_bytes_are_not_utf8() -> None:
    text = "Date,Description,Amount\n2025-01-01,CAFÉ MÜNCHEN,1.00\n"
    mapping = CsvMapping(date="Date", descriptor="Description", amount="Amount")
    assert rows_of(text.encode("cp1252"), mapping=mapping)[0].descriptor == "CAFÉ MÜNCHEN"


def test_preamble_lines_before_the_header_are_skipped() -> None:
    text = (
        "Account: 12345678\nStatement period: Jan 2025\n\n"
        "Date,Description,Amount\n2025-01-05,FIGMA,45.00\n"
    )
    rows = rows_of(text, mapping=CsvMapping(date="Date", descriptor="Description", amount="Amount"))
    assert [r.amount_minor for r in rows] == [4500]


def test_guessed_mapping_reads_common_headers_and_infers_the_sign() -> None:
    text = (
        "Posting Date,Payee,Amount,Currency\n"
        "01/02/2025,GITHUB,-21.00,USD\n"
        "01/13/2025,SLACK,-87.50,USD\n"
        "01/20/2025,REFUND GITHUB,21.00,USD\n"
    )
    parsed = parse_file(text.encode(), fmt=FileFormat.CSV)
    assert parsed.preset is None
    assert parsed.mapping is not None
    assert parsed.mapping.sign == "spend_negative"
    assert parsed.mapping.date_format == "%m/%d/%Y"
    rows = list(parsed.rows)
    assert [r.amount_minor for r in rows] == [2100, 8750, -2100]
    assert rows[1].transaction_date == date(2025, 1, 13)


def test_unknown_layout_lists_the_headers_found_and_what_is_missing() -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(b"foo,bar,baz\n1,2,3\n", fmt=FileFormat.CSV)
    message = info.value.errors[0].message
    assert "foo" in message
    assert "bar" in message
    assert "date" in message
    assert "amount" in message


def test_unknown_layout_names_only_what_is_missing() -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(b"Date,foo,Amount\n2025-01-01,a,1\n", fmt=FileFormat.CSV)
    message = info.value.errors[0].message
    assert "no column recognised for descriptor;" in message


def test_preset_that_does_not_fit_says_what_is_missing() -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(CHASE.encode(), fmt=FileFormat.CSV, preset="amex")
    assert "Transaction Date" in info.value.errors[0].message


def test_every_bad_row_is_reported_and_nothing_is_returned() -> None:
    text = (
        "Date,Description,Amount\n"
        "2025-01-01,OK,1.00\n"
        "2025-13-01,BAD DATE,1.00\n"
        "2025-01-03,BAD AMOUNT,abc\n"
        "2025-01-04,,2.00\n"
    )
    mapping = CsvMapping(date="Date", descriptor="Description", amount="Amount")
    with pytest.raises(FileRejected) as info:
        parse_file(text.encode(), mapping=mapping)
    errors = [(e.row, e.field) for e in info.value.errors]
    assert errors == [(2, "Date"), (3, "Amount"), (4, "Description")]


def test_bad_amount_on_row_9000_rejects_the_whole_file() -> None:
    generator = _load_generator()
    out = io.StringIO()
    generator.generate(out, 10_000, bad_amount_row=9000)
    with pytest.raises(FileRejected) as info:
        parse_file(out.getvalue().encode(), filename="card.csv")
    assert [(e.row, e.field) for e in info.value.errors] == [(9000, "Amount")]


def test_generated_file_parses_and_ids_are_stable_across_imports() -> None:
    generator = _load_generator()
    out = io.StringIO()
    generator.generate(out, 2_000, duplicates=True)
    data = out.getvalue().encode()
    first = parse_file(data)
    second = parse_file(io.BytesIO(data))
    ids_first = [r.external_id for r in first.rows]
    assert ids_first == [r.external_id for r in second.rows]
    assert ids_first == [r.external_id for r in first.rows]  # re-iterable
    assert len(ids_first) == first.row_count == 2_000
    assert len(set(ids_first)) == len(ids_first)
    assert any(i.endswith("#2") for i in ids_first)


def test_identical_rows_stay_two_rows_with_distinct_ids() -> None:
    text = "Date,Description,Amount\n2025-01-01,ZOOM,14.99\n2025-01-01,ZOOM,14.99\n"
    mapping = CsvMapping(date="Date", descriptor="Description", amount="Amount")
    rows = rows_of(text, mapping=mapping)
    assert len(rows) == 2
    assert rows[1].external_id == rows[0].external_id + "#2"
    assert rows_of(text, mapping=mapping)[1].external_id == rows[1].external_id


def test_content_id_is_stable_id_of_the_content() -> None:
    assert _content_id("a\x1fb") == stable_id("a\x1fb")


def test_stream_input_is_read_in_place() -> None:
    stream = io.BytesIO(CHASE.encode())
    parsed = parse_file(stream, preset="chase")
    assert parsed.row_count == 3
    assert len(list(parsed.rows)) == 3


def test_blank_lines_are_ignored() -> None:
    text = "Date,Description,Amount\n\n2025-01-01,A,1.00\n,,\n \n"
    rows = rows_of(text, mapping=CsvMapping(date="Date", descriptor="Description", amount="Amount"))
    assert len(rows) == 1


def test_unknown_currency_is_rejected() -> None:
    text = "Date,Description,Amount,Currency\n2025-01-01,A,1.00,XYZ\n"
    mapping = CsvMapping(
        date="Date", descriptor="Description", amount="Amount", currency="Currency"
    )
    with pytest.raises(FileRejected) as info:
        rows_of(text, mapping=mapping)
    assert (info.value.errors[0].row, info.value.errors[0].field) == (1, "Currency")


def test_encoding_falls_back_when_a_late_row_is_not_utf8() -> None:
    mapping = CsvMapping(date="Date", descriptor="Description", amount="Amount")
    ascii_rows = "".join(f"2025-01-01,SHOP {i:06d},1.00\n" for i in range(5000))
    data = ("Date,Description,Amount\n" + ascii_rows).encode() + "2025-01-02,CAFÉ,2.00\n".encode(
        "cp1252"
    )
    assert len(data) > 64 * 1024
    parsed = parse_file(data, mapping=mapping)
    rows = list(parsed.rows)
    assert parsed.row_count == len(rows) == 5001
    assert rows[-1].descriptor == "CAFÉ"


def test_returned_mapping_reads_the_next_file_the_same_way() -> None:
    text = "Posting Date,Payee,Amount\n01/02/2025,GITHUB,-21.00\n01/03/2025,SLACK,-87.50\n"
    first = parse_file(text.encode(), fmt=FileFormat.CSV)
    assert first.mapping is not None
    saved = CsvMapping.model_validate(first.mapping.model_dump(mode="json"))
    # A later file that happens to hold only refunds keeps the settled sign.
    later = "Posting Date,Payee,Amount\n02/02/2025,REFUND GITHUB,21.00\n"
    rows = list(parse_file(later.encode(), fmt=FileFormat.CSV, mapping=saved).rows)
    assert rows[0].amount_minor == -2100
    again = list(parse_file(text.encode(), fmt=FileFormat.CSV, mapping=saved).rows)
    assert [r.external_id for r in again] == [r.external_id for r in first.rows]


def test_amex_uk_day_first_dates_are_detected() -> None:
    text = "Date,Description,Amount,Extended Details\n03/02/2025,A,1.00,x\n25/02/2025,B,2.00,y\n"
    rows = rows_of(text, filename="amex.csv")
    assert [r.transaction_date for r in rows] == [date(2025, 2, 3), date(2025, 2, 25)]


def test_a_stray_bad_date_is_reported_on_its_row() -> None:
    text = "Date,Description,Amount\n01/02/2025,A,1.00\n01/35/2025,B,1.00\n01/20/2025,C,1.00\n"
    mapping = CsvMapping(date="Date", descriptor="Description", amount="Amount")
    with pytest.raises(FileRejected) as info:
        rows_of(text, mapping=mapping)
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "Date")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date;Description;Amount\n2025-01-01;ACME, INC, LTD, CO;1,00\n", ";"),
        ("Date\tDescription\tAmount\n2025-01-01\tA;B\t1.00\n", "\t"),
        ('Date,Description,Amount\n2025-01-01,"A;B;C;D",1.00\n', ","),
        ("sep=;\nDate;Description;Amount\n2025-01-01;A,B,C,D,E;1,00\n", ";"),
    ],
)
def test_delimiter_detection(text: str, expected: str) -> None:
    from connectors.files.csv_import import CsvSource

    assert CsvSource(text.encode(), encoding=None, delimiter=None).delimiter == expected


def test_excel_sep_line_is_skipped() -> None:
    text = "sep=;\nDate;Description;Amount\n2025-01-01;ACME;2,50\n"
    mapping = CsvMapping(date="Date", descriptor="Description", amount="Amount", decimal_comma=True)
    assert [r.amount_minor for r in rows_of(text, mapping=mapping)] == [250]
