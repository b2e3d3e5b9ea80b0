"""The one place new transaction rows are written in bulk.

SQLAlchemy's per-parameter processing costs more than the database's own insert at import
volumes, so rows are converted once here and handed to the driver directly: ``executemany``
of plain tuples on SQLite, ``COPY`` on PostgreSQL, Core ``insert`` elsewhere. The column
list below is the contract; a test checks it against the table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.engine import Connection as SAConnection
from sqlmodel import Session

from app.models import Transaction

COLUMNS: tuple[str, ...] = (
    "connection_id",
    "external_id",
    "transaction_date",
    "posted_date",
    "amount_minor",
    "currency",
    "reporting_amount_minor",
    "reporting_currency",
    "descriptor",
    "merchant_name",
    "mcc",
    "memo",
    "channel",
    "card_last4",
    "cardholder_id",
    "department_id",
    "raw",
    "source_hash",
    "vendor_id",
    "is_software",
    "category",
    "confidence",
    "matched_by",
    "matched_text",
    "explanation",
    "reseller_slug",
    "classifier_version",
    "classified_at",
    "outside_it",
    "duplicate_of_id",
    "removed_at",
    "created_at",
    "updated_at",
)
_JSON_COLUMNS = {"raw"}


def _sqlite_value(value: Any) -> Any:
    # The representations SQLAlchemy's SQLite dialect itself stores and reads back.
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def insert_transactions(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new transactions (dicts keyed by :data:`COLUMNS`; ``raw`` a JSON-able dict)."""
    if not rows:
        return
    connection: SAConnection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in COLUMNS)
        sql = f"INSERT INTO transactions ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
        params = [
            tuple(
                json.dumps(row[c], default=str) if c in _JSON_COLUMNS else _sqlite_value(row[c])
                for c in COLUMNS
            )
            for row in rows
        ]
        connection.exec_driver_sql(sql, params)
        return
    if dialect == "postgresql":
        raw_conn = connection.connection.dbapi_connection
        assert raw_conn is not None
        sql = f"COPY transactions ({', '.join(COLUMNS)}) FROM STDIN"
        cursor: Any = raw_conn.cursor()
        with cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[c], default=str) if c in _JSON_COLUMNS else row[c]
                        for c in COLUMNS
                    ]
                )
        return
    session.execute(Transaction.__table__.insert(), list(rows))  # type: ignore[attr-defined]
