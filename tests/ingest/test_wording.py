"""A source's own bank wording is learned from its rows and used wherever they are classified."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.findings.reclassify import reclassify
from app.ingest.service import Ingestor
from app.models import Connection, Transaction
from classifiers import Classifier
from connectors.base import RawTransaction
from tests.factories import Keys
from tests.test_cli import run

# A made-up bank that wraps every merchant in words of its own, and made-up local shops.
WRAP = "QORVEL BRUNDAK {merchant} TREMVOST {ref}"
SHOPS = ("FRESH MARKET 221", "CITY PARKING GARAGE", "HARBOR DINER", "CORNER HARDWARE 12")
HIDDEN = "VERCEL"  # a catalog vendor, by its own name


def _descriptor(merchant: str, i: int) -> str:
    return WRAP.format(merchant=merchant, ref=40_000_000 + i * 7919)


def _statement(rows: int = 80) -> list[str]:
    lines = [_descriptor(SHOPS[i % len(SHOPS)], i) for i in range(rows)]
    lines.append(_descriptor(HIDDEN, rows))
    return lines


HIDDEN_ROW = _statement()[-1]


def test_the_hidden_vendor_needs_the_wording() -> None:
    """The premise: without the bank's wording the vendor is not found."""
    assert Classifier().classify(_statement()[-1]).vendor_slug != "vercel"


def _import_statement(client: TestClient, keys: Keys) -> None:
    csv_text = "Date,Description,Amount\n" + "".join(
        f"03/{i % 28 + 1:02d}/2026,{d},{10 + i % 9}.00\n" for i, d in enumerate(_statement())
    )
    r = client.post(
        "/api/v1/imports",
        files={"file": ("bank.csv", io.BytesIO(csv_text.encode()), "text/csv")},
        data={"connection": "Qorvel bank"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text


def test_import_finds_the_vendor_behind_the_bank_wording(
    client: TestClient, keys: Keys, session: Session
) -> None:
    _import_statement(client, keys)
    conn = session.exec(select(Connection).where(Connection.name == "Qorvel bank")).one()
    assert {"QORVEL", "BRUNDAK", "TREMVOST"} <= {w.upper() for w in conn.boilerplate or []}
    row = session.exec(select(Transaction).where(Transaction.descriptor == _statement()[-1])).one()
    assert row.vendor_id is not None
    assert row.is_software

    # Re-classification reads the row with the same wording: the answer stays.
    reclassify(session)
    session.refresh(row)
    assert row.vendor_id is not None
    assert row.is_software


def test_a_sync_page_learns_from_the_rows_already_stored(session: Session) -> None:
    """A sync's later run brings one row; the connection's stored rows carry the wording."""
    conn = Connection(name="qorvel api", connector="file")
    session.add(conn)
    session.flush()

    def raw(i: int, descriptor: str) -> RawTransaction:
        return RawTransaction(
            external_id=f"q-{i}",
            transaction_date=date(2026, 3, 1 + i % 28),
            amount_minor=1000 + i,
            currency="USD",
            descriptor=descriptor,
        )

    statement = _statement()
    Ingestor(session, conn).ingest([raw(i, d) for i, d in enumerate(statement[:-1])])
    conn.boilerplate = None  # as if stored before wording was kept
    session.add(conn)
    Ingestor(session, conn).ingest([raw(len(statement), statement[-1])])
    row = session.exec(
        select(Transaction).where(Transaction.external_id == f"q-{len(statement)}")
    ).one()
    assert row.vendor_id is not None
    assert row.is_software


def test_a_small_source_learns_nothing(session: Session) -> None:
    conn = Connection(name="tiny", connector="file")
    session.add(conn)
    session.flush()
    Ingestor(session, conn).ingest(
        [
            RawTransaction(
                external_id=str(i),
                transaction_date=date(2026, 3, 2),
                amount_minor=100,
                currency="USD",
                descriptor=d,
            )
            for i, d in enumerate(_statement(10))
        ]
    )
    assert conn.boilerplate == []


def test_post_classify_reads_descriptors_as_a_connections_rows(
    client: TestClient, keys: Keys, session: Session
) -> None:
    """The same descriptor gets the same answer from POST /classify as it got at import, when
    it is asked as that connection's row."""
    _import_statement(client, keys)
    conn = session.exec(select(Connection).where(Connection.name == "Qorvel bank")).one()
    stored = session.exec(select(Transaction).where(Transaction.descriptor == HIDDEN_ROW)).one()
    h = keys.headers("it")
    as_row = client.post(
        "/api/v1/classify",
        json={"items": [{"descriptor": HIDDEN_ROW}], "connection_id": conn.id},
        headers=h,
    )
    assert as_row.status_code == 200, as_row.text
    answer = as_row.json()["items"][0]
    assert (answer["vendor_id"], answer["is_software"], answer["matched_by"]) == (
        stored.vendor_id,
        stored.is_software,
        stored.matched_by,
    )
    alone = client.post("/api/v1/classify", json={"items": [{"descriptor": HIDDEN_ROW}]}, headers=h)
    assert alone.json()["items"][0]["vendor_slug"] != "vercel"
    missing = client.post(
        "/api/v1/classify",
        json={"items": [{"descriptor": HIDDEN_ROW}], "connection_id": 987654},
        headers=h,
    )
    assert missing.status_code == 404


def test_cli_classify_reads_the_file_as_one_source(tmp_path: Path) -> None:
    """`shadowspend classify` learns the file's wording as import does (--no-wording: not)."""
    src = tmp_path / "in.csv"
    src.write_text("descriptor\n" + "".join(f"{d}\n" for d in _statement()))
    for flag, expected in (([], "vercel"), (["--no-wording"], "")):
        out = tmp_path / "out.csv"
        result = run(["classify", str(src), "-o", str(out), *flag], tmp_path)
        assert result.returncode == 0, result.stderr
        with out.open(newline="") as fh:
            rows = {r["descriptor"]: r for r in csv.DictReader(fh)}
        assert rows[HIDDEN_ROW]["vendor_id"] == expected
