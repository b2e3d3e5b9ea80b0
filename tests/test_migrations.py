"""The Alembic revisions are the schema: they go up and down on both databases and match the
models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import db, migrate
from tests.conftest import BACKENDS


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = db.make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        tables = set(inspect(engine).get_table_names())
        assert {"transactions", "vendors", "findings", "audit_events", "api_keys"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        migrate.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_0010_keeps_findings_decided_before_it(empty_database_url: str) -> None:
    """Reason lines become structured (as legacy), a decided finding learns why it closed and
    which event decided it, and a finding without a run-rate gets its total as one."""
    from sqlalchemy import text

    engine = db.make_engine(empty_database_url)
    try:
        migrate.downgrade(engine, "base")  # the URL is shared with the test above
        migrate.upgrade(engine, "0007")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO vendors (id, slug, name, domains, aliases, descriptors, "
                    "is_software, is_reseller, source, edited, created_at, updated_at) VALUES "
                    "(1, 'zoom', 'Zoom', '[]', '[]', '[]', true, false, 'builtin', false, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            for fid, status, run_rate in ((1, "approved", None), (2, "open", 5000)):
                conn.execute(
                    text(
                        "INSERT INTO findings (id, vendor_id, status, severity, severity_score, "
                        "severity_reasons, total_reporting_minor, reporting_currency, "
                        "transaction_count, annual_run_rate_minor, version, created_at, "
                        "updated_at) VALUES (:id, 1, :status, 'high', 4, :reasons, 1200, 'USD', "
                        "3, :run_rate, 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {
                        "id": fid,
                        "status": status,
                        "reasons": '["spend: 12.00 USD a year", "recurring: monthly"]',
                        "run_rate": run_rate,
                    },
                )
            conn.execute(
                text(
                    "INSERT INTO audit_events (id, at, action, entity_type, entity_id) VALUES "
                    "(7, CURRENT_TIMESTAMP, 'finding.approved', 'finding', '1')"
                )
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, severity_rank, severity_reasons, annual_run_rate_minor, "
                    "closed_reason, decision_event_id FROM findings ORDER BY id"
                )
            ).all()
        import json

        (one, two) = rows
        reasons = one[2] if isinstance(one[2], list) else json.loads(one[2])
        assert reasons == [
            {"code": "legacy", "points": 0, "scope": "finding", "text": "spend: 12.00 USD a year"},
            {"code": "legacy", "points": 0, "scope": "finding", "text": "recurring: monthly"},
        ]
        assert (one[1], one[3], *one[4:]) == (2, 1200, "approved", 7)
        assert (two[3], *two[4:]) == (5000, None, None)
        migrate.downgrade(engine, "0007")
        with engine.connect() as conn:
            # one finding per (vendor, department) again: the newest stays
            kept = conn.execute(text("SELECT id, severity_reasons FROM findings")).all()
        assert [k[0] for k in kept] == [2]
        back = kept[0][1]
        assert (back if isinstance(back, list) else json.loads(back)) == [
            "spend: 12.00 USD a year",
            "recurring: monthly",
        ]
        migrate.downgrade(engine, "base")
    finally:
        engine.dispose()
