"""CSV files without a header row: recognised by content, read when the columns are
unambiguous, else refused with how to name columns by position; mappings by position."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from connectors.files import CsvMapping, FileFormat, FileRejected, mapping_data, parse_file
from connectors.files.csv_headerless import first_data_row

# date, amount, a constant marker, a mostly empty cheque number, description: the layout of
# a common US checking export with no header.
CHECKING = """\
"02/03/2025","-21.50","*","","LINEARIX SOFTWARE 4471 ONLINE"
"02/04/2025","-9.99","*","","CLOUDCUP STORAGE"
"02/06/2025","1200.00","*","1009","MOBILE DEPOSIT"
"02/07/2025","-60.00","*","","PAYROLLHUB SERVICES"
"""


def test_a_headerless_export_is_read_by_its_content() -> None:
    parsed = parse_file(CHECKING.encode(), filename="checking.csv")
    rows = list(parsed.rows)
    assert parsed.mapping is not None
    assert (parsed.mapping.date, parsed.mapping.amount, parsed.mapping.descriptor) == (
        (1,),
        (2,),
        (5,),
    )
    assert [(str(r.transaction_date), r.descriptor, r.amount_minor) for r in rows] == [
        ("2025-02-03", "LINEARIX SOFTWARE 4471 ONLINE", 2150),
        ("2025-02-04", "CLOUDCUP STORAGE", 999),
        ("2025-02-06", "MOBILE DEPOSIT", -120000),
        ("2025-02-07", "PAYROLLHUB SERVICES", 6000),
    ]


def test_the_mapping_used_is_saved_by_position_and_reads_the_next_file() -> None:
    parsed = parse_file(CHECKING.encode())
    assert parsed.mapping is not None
    saved = CsvMapping.model_validate(parsed.mapping.model_dump(mode="json"))
    assert saved.by_position
    again = parse_file(CHECKING.encode(), fmt=FileFormat.CSV, mapping=saved)
    assert [r.amount_minor for r in again.rows] == [2150, 999, -120000, 6000]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        pytest.param(
            "2025-02-03,LINEARIX,-21.50,978.50\n2025-02-04,CLOUDCUP,-9.99,968.51\n",
            "1 date, 2 text, 3 number, 4 number",
            id="amount-and-balance",
        ),
        pytest.param(
            "2025-02-03,LINEARIX,Card,-21.50\n2025-02-04,CLOUDCUP,Transfer,-9.99\n",
            "1 date, 2 text, 3 text, 4 number",
            id="two-text-columns",
        ),
        pytest.param(
            "2025-02-03,2025-02-04,LINEARIX,-21.50\n2025-02-04,2025-02-05,CLOUDCUP,-9.99\n",
            "1 date, 2 date, 3 text, 4 number",
            id="two-date-columns",
        ),
    ],
)
def test_ambiguous_columns_are_refused_with_how_to_map_by_position(text: str, why: str) -> None:
    with pytest.raises(FileRejected) as info:
        parse_file(text.encode(), fmt=FileFormat.CSV)
    (error,) = info.value.errors
    assert (error.row, error.field) == (None, None)
    assert "no header row" in error.message
    assert why in error.message
    assert '"date": 1' in error.message
    assert "date=1" in error.message
    assert "LINEARIX" not in error.message  # the file's content is never echoed


def test_a_mapping_by_position_reads_an_ambiguous_file() -> None:
    text = "2025-02-03,LINEARIX,-21.50,978.50\n2025-02-04,CLOUDCUP,-9.99,968.51\n"
    mapping = CsvMapping.model_validate(
        mapping_data("date=1,descriptor=2,amount=3,sign=spend_negative")
    )
    rows = list(parse_file(text.encode(), fmt=FileFormat.CSV, mapping=mapping).rows)
    assert [(r.descriptor, r.amount_minor) for r in rows] == [("LINEARIX", 2150), ("CLOUDCUP", 999)]


def test_a_mapping_by_position_on_a_file_with_a_header_skips_the_header() -> None:
    text = "When,What,How much,Left\n2025-02-03,LINEARIX,-21.50,978.50\n"
    mapping = CsvMapping(date=1, descriptor=2, amount=3, sign="spend_negative")
    parsed = parse_file(text.encode(), fmt=FileFormat.CSV, mapping=mapping)
    assert [(r.descriptor, r.amount_minor) for r in parsed.rows] == [("LINEARIX", 2150)]


def test_a_position_past_the_last_column_is_refused_by_name() -> None:
    mapping = CsvMapping(date=1, descriptor=2, amount=9)
    with pytest.raises(FileRejected) as info:
        parse_file(CHECKING.encode(), fmt=FileFormat.CSV, mapping=mapping)
    assert "5 columns" in str(info.value)
    assert "column 9" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"date": 1, "descriptor": "Payee"}', {"date": 1, "descriptor": "Payee"}),
        ("date=1,descriptor=3,amount=2", {"date": 1, "descriptor": 3, "amount": 2}),
        (
            "date=Posted, descriptor=Payee|Memo, sign=spend_negative",
            {"date": "Posted", "descriptor": ["Payee", "Memo"], "sign": "spend_negative"},
        ),
    ],
)
def test_mapping_text(text: str, expected: dict[str, object]) -> None:
    assert mapping_data(text) == expected


@pytest.mark.parametrize("text", ["date", "=1", "", "[1, 2]", "{not json"])
def test_bad_mapping_text_says_what_is_wrong(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        mapping_data(text)


@pytest.mark.parametrize("value", [0, -1, True])
def test_a_position_counts_from_one(value: object) -> None:
    with pytest.raises(ValidationError):
        CsvMapping.model_validate({"date": value, "descriptor": 2, "amount": 3})


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Date,Description,Amount\n2025-02-03,LINEARIX,-21.50\n", id="a-header"),
        pytest.param("LINEARIX,CLOUDCUP\nPAPERLY,QUILLPAD\n", id="no-dates"),
        pytest.param("2025-02-03,LINEARIX,-21.50\n2025-02-04,CLOUDCUP\n", id="ragged"),
    ],
)
def test_what_is_not_taken_as_headerless(text: str) -> None:
    import csv
    import io

    assert first_data_row(list(csv.reader(io.StringIO(text)))) is None
