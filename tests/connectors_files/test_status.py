"""Rows that are listed but not booked: declined, failed, reverted, cancelled and pending rows
are not imported (each a warning with its row, all counted); booked rows are."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient

from connectors.files import FileFormat, parse_file
from connectors.files.status import SHOWN_SKIPPED, SkipLog, Status, status_of
from tests.connectors_files.helpers import swap
from tests.connectors_files.test_formats import CAMT_V8
from tests.factories import Keys


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("COMPLETED", Status.BOOKED),
        ("Booked", Status.BOOKED),
        ("BOOK", Status.BOOKED),
        ("settled", Status.BOOKED),
        ("PENDING", Status.PENDING),
        ("PDNG", Status.PENDING),
        ("INFO", Status.PENDING),
        ("in_progress", Status.PENDING),
        ("Vorgemerkt", Status.PENDING),
        ("DECLINED", Status.VOID),
        ("REVERTED", Status.VOID),
        ("Failed", Status.VOID),
        ("CANCELLED", Status.VOID),
        ("canceled", Status.VOID),
        ("Annulé", Status.VOID),
        ("abgelehnt", Status.VOID),
        ("", None),
        ("  ", None),
        (None, None),
        ("SOMETHING ELSE", None),
    ],
)
def test_status_words(value: str | None, expected: Status | None) -> None:
    assert status_of(value) is expected


def test_skip_log_lists_the_first_rows_and_counts_the_rest() -> None:
    log = SkipLog()
    kept = [log.check(n, "State", "DECLINED") for n in range(1, 26)]
    assert not any(kept)
    assert log.check(26, "State", "COMPLETED")
    assert log.check(27, "State", "odd word")
    assert log.check(28, "State", "odd word")
    warnings = log.warnings()
    assert log.count == 25
    assert [w.row for w in warnings[:SHOWN_SKIPPED]] == list(range(1, SHOWN_SKIPPED + 1))
    assert "15 more rows" in warnings[SHOWN_SKIPPED].message
    assert [(w.row, w.field) for w in warnings[SHOWN_SKIPPED + 1 :]] == [(27, "State")]
    assert "not known" in warnings[-1].message


APP_BANK = """Type,Started Date,Completed Date,Description,Amount,Currency,State
CARD_PAYMENT,2025-04-01 08:00:00,2025-04-02 09:00:00,Quillpad Notes,-8.00,EUR,COMPLETED
CARD_PAYMENT,2025-04-03 08:00:00,,Byteforge Hosting,-40.00,EUR,DECLINED
CARD_PAYMENT,2025-04-04 08:00:00,2025-04-04 09:00:00,Byteforge Hosting,-40.00,EUR,REVERTED
CARD_PAYMENT,2025-04-05 08:00:00,,Tallybook Ltd,-15.50,EUR,FAILED
TRANSFER,2025-04-06 08:00:00,,To savings,-100.00,EUR,CANCELLED
CARD_PAYMENT,2025-04-07 08:00:00,,Quillpad Notes,-8.00,EUR,PENDING
CARD_PAYMENT,2025-04-08 08:00:00,2025-04-08 09:00:00,Byteforge Hosting,-40.00,EUR,COMPLETED
"""


def test_app_bank_state_column_keeps_only_completed_rows() -> None:
    parsed = parse_file(APP_BANK.encode(), filename="account-statement.csv")
    rows = list(parsed.rows)
    assert parsed.mapping is not None
    assert parsed.mapping.status == ("State",)
    assert [(r.descriptor, r.amount_minor) for r in rows] == [
        ("Quillpad Notes", 800),
        ("Byteforge Hosting", 4000),
    ]
    assert (parsed.row_count, parsed.skipped) == (2, 5)
    assert [(w.row, w.field) for w in parsed.warnings] == [
        (2, "State"),
        (3, "State"),
        (4, "State"),
        (5, "State"),
        (6, "State"),
    ]
    assert "never happened" in parsed.warnings[0].message
    assert "pending" in parsed.warnings[4].message


def test_a_bad_amount_on_a_declined_row_does_not_refuse_the_file() -> None:
    # The row is not imported whatever it holds: a declined card attempt often has no amount.
    text = APP_BANK.replace("-40.00,EUR,DECLINED", ",EUR,DECLINED")
    parsed = parse_file(text.encode())
    assert (parsed.row_count, parsed.skipped) == (2, 5)


def test_a_file_of_only_declined_rows_imports_nothing_and_says_why() -> None:
    head, *lines = APP_BANK.splitlines()
    declined = [line for line in lines if line.endswith(("DECLINED", "FAILED"))]
    parsed = parse_file("\n".join([head, *declined]).encode())
    assert (parsed.row_count, parsed.skipped, list(parsed.rows)) == (0, 2, [])


def test_a_mapping_names_the_status_column() -> None:
    from connectors.files.csv_import import CsvMapping

    text = APP_BANK.replace(",State\n", ",Zustand des Umsatzes\n")
    mapping = CsvMapping(
        date="Started Date",
        descriptor="Description",
        amount="Amount",
        currency="Currency",
        sign="spend_negative",
        status="Zustand des Umsatzes",
    )
    parsed = parse_file(text.encode(), fmt=FileFormat.CSV, mapping=mapping)
    assert (parsed.row_count, parsed.skipped) == (2, 5)


PENDING_FIRST = swap("<Sts><Cd>BOOK</Cd></Sts>", "<Sts><Cd>PDNG</Cd></Sts>")


def test_camt_pending_entry_is_not_imported_and_is_noted() -> None:
    parsed = parse_file(PENDING_FIRST(CAMT_V8).encode())
    rows = list(parsed.rows)
    booked = list(parse_file(CAMT_V8.encode()).rows)
    assert rows == booked[1:]
    assert (parsed.row_count, parsed.skipped) == (len(booked) - 1, 1)
    assert [(w.row, w.field) for w in parsed.warnings] == [(1, "Sts")]


def test_camt_pending_then_booked_imports_the_entry_once(client: TestClient, keys: Keys) -> None:
    def post(text: str) -> dict[str, object]:
        r = client.post(
            "/api/v1/imports",
            files={"file": ("camt.xml", io.BytesIO(text.encode()), "application/xml")},
            data={"connection": "intraday then statement"},
            headers=keys.headers("it"),
        )
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    intraday = post(PENDING_FIRST(CAMT_V8))
    statement = post(CAMT_V8)
    total = len(list(parse_file(CAMT_V8.encode()).rows))
    assert (intraday["inserted"], intraday["skipped"]) == (total - 1, 1)
    assert any("PDNG" in str(w) for w in intraday["warnings"])  # type: ignore[attr-defined]
    assert (statement["inserted"], statement["duplicates"], statement["skipped"]) == (
        1,
        total - 1,
        0,
    )
