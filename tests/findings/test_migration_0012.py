"""Migration 0012 (candidate findings) keeps what a database already holds, both ways."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from app import db, migrate
from tests.conftest import BACKENDS


def _insert(conn: sa.Connection, name: str, values: dict[str, Any]) -> None:
    """A row with ``values``, every other required column given a plain value of its type."""
    table = sa.Table(name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, sa.Boolean):
            row[column.name] = False
        elif isinstance(kind, sa.DateTime):
            row[column.name] = datetime(2026, 1, 1, tzinfo=UTC)
        elif isinstance(kind, sa.Date):
            row[column.name] = date(2026, 1, 1)
        elif isinstance(kind, sa.JSON):
            row[column.name] = []
        elif isinstance(kind, sa.Integer | sa.Numeric | sa.Float):
            row[column.name] = 0
        else:
            row[column.name] = "x"
    conn.execute(table.insert().values(**row))


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_0012_keeps_findings_and_their_evidence(empty_database_url: str) -> None:
    engine = db.make_engine(empty_database_url)
    try:
        migrate.downgrade(engine, "base")  # the URL is shared with other migration tests
        migrate.upgrade(engine, "0010")
        with engine.begin() as conn:
            _insert(conn, "vendors", {"id": 1, "slug": "zoom", "name": "Zoom"})
            _insert(conn, "connections", {"id": 1, "name": "c", "connector": "file"})
            _insert(conn, "transactions", {"id": 1, "connection_id": 1, "external_id": "a"})
            _insert(conn, "findings", {"id": 1, "vendor_id": 1, "status": "approved"})
            _insert(conn, "finding_evidence", {"finding_id": 1, "transaction_id": 1})
        migrate.upgrade(engine)
        with engine.begin() as conn:
            _insert(conn, "transactions", {"id": 2, "connection_id": 1, "external_id": "b"})
            _insert(conn, "findings", {"id": 2, "candidate_name": "Quill", "status": "dismissed"})
            _insert(conn, "finding_evidence", {"finding_id": 2, "transaction_id": 2})
        with engine.connect() as conn:
            findings = conn.execute(sa.text("SELECT id, vendor_id FROM findings ORDER BY id"))
            assert findings.all() == [(1, 1), (2, None)]
        migrate.downgrade(engine, "0010")
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id FROM findings")).all() == [(1,)]
            kept = conn.execute(sa.text("SELECT finding_id, transaction_id FROM finding_evidence"))
            assert kept.all() == [(1, 1)]
        migrate.upgrade(engine)
    finally:
        engine.dispose()
