"""What the pipeline keeps of a row: documented caps, and refusals with the field at fault."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from app.ingest import limits
from app.ingest.limits import RowRefused, admit
from connectors.base import RawTransaction

ROW = RawTransaction(
    "id-1",
    date(2026, 1, 5),
    1999,
    "USD",
    "ZOOM.US 888-799-9666 CA",
    merchant_name="Zoom",
    cardholder_name="Jane Doe",
    cardholder_email="jane@example.com",
    department_name="Marketing",
)


def test_an_ordinary_row_is_kept_as_it_is() -> None:
    assert admit(ROW) is ROW


@pytest.mark.parametrize(
    ("change", "field", "kept"),
    [
        ({"descriptor": "D" * 5000}, "descriptor", limits.MAX_DESCRIPTOR_CHARS),
        ({"memo": "M" * 5000}, "memo", limits.MAX_MEMO_CHARS),
        ({"merchant_name": "N" * 500}, "merchant_name", 300),
        ({"cardholder_name": "C" * 500}, "cardholder_name", 200),
        ({"department_name": "P" * 500}, "department_name", 120),
    ],
)
def test_long_text_is_cut_to_its_documented_length(
    change: dict[str, str], field: str, kept: int
) -> None:
    assert len(getattr(admit(dataclasses.replace(ROW, **change)), field)) == kept


def test_long_ids_are_hashed_and_long_emails_dropped() -> None:
    long_id = "x" * 300
    admitted = admit(
        dataclasses.replace(ROW, external_id=long_id, cardholder_email="a" * 400 + "@example.com")
    )
    assert admitted.external_id.startswith("sha256:")
    assert len(admitted.external_id) <= 200
    assert admitted.external_id == admit(dataclasses.replace(ROW, external_id=long_id)).external_id
    assert admitted.cardholder_email is None


def test_many_short_fields_that_fit_are_kept() -> None:
    # Together past the quick test's 120 characters, each within its column.
    row = dataclasses.replace(
        ROW, external_id="i" * 150, merchant_name="m" * 250, cardholder_name="c" * 150
    )
    assert admit(row) == row


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"descriptor": "ZO\x00OM"}, "descriptor"),
        ({"memo": "a\x00"}, "memo"),
        ({"cardholder_email": "a\x00@b.c"}, "cardholder_email"),
        ({"external_id": "id\x00"}, "external_id"),
        ({"transaction_date": date(1, 1, 1)}, "transaction_date"),
        ({"transaction_date": date(9999, 12, 31)}, "transaction_date"),
        ({"posted_date": date(9999, 12, 31)}, "posted_date"),
    ],
)
def test_rows_no_database_stores_alike_are_refused(change: dict[str, object], field: str) -> None:
    with pytest.raises(RowRefused) as refused:
        admit(dataclasses.replace(ROW, **change))
    assert refused.value.field == field


def test_a_long_raw_payload_is_cut() -> None:
    capped = limits.capped_raw({"a": "x" * 50_000, "nested": {"b": ["y" * 5000]}})
    assert capped["_truncated"] is True
    assert len(capped["a"]) == 1000
    assert len(capped["nested"]["b"][0]) == 1000
