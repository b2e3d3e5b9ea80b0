"""The same card charge from two sources is counted once, and the link is visible."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Finding, Transaction
from tests.factories import Keys

AMEX = (
    "Date,Description,Amount\n"
    "03/02/2026,ZOOM.US 888-799-9666 CA,149.90\n"
    "03/04/2026,SQ *BLUE BOTTLE COFFEE,6.50\n"
)
# The same Zoom charge as another source prints it, posted a day later; plus one that is new.
RAMP = (
    "Date,Description,Amount\n"
    "03/03/2026,ZOOM VIDEO COMMUNICATIONS,149.90\n"
    "03/09/2026,ZOOM.US 888-799-9666 CA,149.90\n"
)


def _import(client: TestClient, keys: Keys, text: str, connection: str) -> dict:
    r = client.post(
        "/api/v1/imports",
        files={"file": ("x.csv", text.encode(), "text/csv")},
        data={"preset": "amex", "connection": connection},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_cross_source_duplicate_counted_once(
    client: TestClient, keys: Keys, session: Session
) -> None:
    _import(client, keys, AMEX, "Corporate Amex")
    _import(client, keys, RAMP, "Ramp export")
    rows = session.exec(select(Transaction).order_by(Transaction.id)).all()  # type: ignore[arg-type]
    linked = [r for r in rows if r.duplicate_of_id is not None]
    assert len(linked) == 1
    assert linked[0].descriptor == "ZOOM VIDEO COMMUNICATIONS"
    assert linked[0].duplicate_of_id == rows[0].id
    h = keys.headers("finance")
    visible = client.get("/api/v1/transactions?q=zoom", headers=h).json()["items"]
    assert len(visible) == 2
    everything = client.get("/api/v1/transactions?q=zoom&include_duplicates=true", headers=h)
    assert len(everything.json()["items"]) == 3
    assert any(t["duplicate_of_id"] == rows[0].id for t in everything.json()["items"])
    finding = session.exec(select(Finding)).all()
    zoom = [f for f in finding if f.transaction_count]
    assert sum(f.total_reporting_minor for f in zoom) == 2 * 14990


def test_bulk_insert_columns_cover_the_table() -> None:
    from app.ingest.repository import COLUMNS
    from app.models import Transaction

    table_columns = {c.name for c in Transaction.__table__.columns} - {"id"}  # type: ignore[attr-defined]
    assert set(COLUMNS) == table_columns
