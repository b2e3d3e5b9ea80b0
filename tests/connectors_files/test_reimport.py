"""Importing the same file again adds nothing, in every format, through the upload API: the
ids each reader gives are stable from one read of a file to the next."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.models import Transaction
from tests.connectors_files.test_csv_no_preset import GERMAN_SAVINGS_BANK
from tests.connectors_files.test_formats import BAI2, CAMT_V8, OFX2_CARD_AND_BANK
from tests.connectors_files.test_mt940 import STATEMENT as MT940
from tests.connectors_files.test_qif import BANK as QIF
from tests.factories import Keys

FILES = [
    pytest.param(GERMAN_SAVINGS_BANK.encode(), "umsaetze.csv", "csv", id="csv"),
    pytest.param(OFX2_CARD_AND_BANK, "export.qfx", "ofx", id="ofx"),
    pytest.param(CAMT_V8.encode(), "camt.xml", "camt053", id="camt053"),
    pytest.param(BAI2.encode(), "prior-day.txt", "bai2", id="bai2"),
    pytest.param(MT940.encode(), "statement.sta", "mt940", id="mt940"),
    pytest.param(QIF.encode(), "quicken.qif", "qif", id="qif"),
]


def _count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Transaction)).one()


@pytest.mark.parametrize(("content", "name", "fmt"), FILES)
def test_reimport_adds_nothing(
    client: TestClient, keys: Keys, session: Session, content: bytes, name: str, fmt: str
) -> None:
    def post() -> dict[str, object]:
        r = client.post(
            "/api/v1/imports",
            files={"file": (name, io.BytesIO(content), "application/octet-stream")},
            data={"connection": f"{fmt} file"},
            headers=keys.headers("it"),
        )
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]

    first = post()
    rows = first["rows"]
    assert isinstance(rows, int)
    assert rows > 0
    assert (first["format"], first["inserted"], first["rejected"]) == (fmt, rows, 0)
    stored = _count(session)
    again = post()
    assert (again["rows"], again["inserted"], again["duplicates"]) == (rows, 0, rows)
    assert _count(session) == stored
