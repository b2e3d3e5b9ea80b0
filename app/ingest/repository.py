"""The one place new transaction rows are written in bulk.

SQLAlchemy's per-parameter processing costs more than the database's own insert at import
volumes, so rows are converted once here and handed to the driver directly: ``executemany``
of plain tuples on SQLite, ``COPY`` on PostgreSQL, Core ``insert`` elsewhere. The column
list below is the contract; a test checks it against the table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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


def _sqlite_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    naive = value.astimezone(UTC).replace(tzinfo=None)
    return naive.isoformat(sep=" ", timespec="microseconds")


def _sqlite_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _sqlite_bool(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _json(value: Any) -> str:
    return json.dumps(value, default=str)


# How each column is handed to sqlite3: the representations SQLAlchemy's SQLite dialect
# itself stores and reads back (ISO dates, naive-UTC timestamps, 0/1 booleans, JSON text).
_SQLITE_CONVERT: dict[str, Callable[[Any], Any]] = {
    "transaction_date": _sqlite_date,
    "posted_date": _sqlite_date,
    "classified_at": _sqlite_datetime,
    "removed_at": _sqlite_datetime,
    "created_at": _sqlite_datetime,
    "updated_at": _sqlite_datetime,
    "is_software": _sqlite_bool,
    "outside_it": _sqlite_bool,
    "raw": _json,
}
# Values that are the same for a whole batch are converted once.
_BATCH_CONSTANT = ("classified_at", "created_at", "updated_at")


def insert_transactions(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new transactions (dicts keyed by :data:`COLUMNS`; ``raw`` a JSON-able dict)."""
    if not rows:
        return
    connection: SAConnection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in COLUMNS)
        sql = f"INSERT INTO transactions ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
        cache: dict[tuple[str, Any], Any] = {}

        def convert(column: str, value: Any) -> Any:
            if column in _BATCH_CONSTANT:
                key = (column, value)
                if key not in cache:
                    cache[key] = _SQLITE_CONVERT[column](value)
                return cache[key]
            return _SQLITE_CONVERT[column](value)

        plan = [(c, c in _SQLITE_CONVERT) for c in COLUMNS]
        params = [
            tuple(convert(c, row[c]) if needs else row[c] for c, needs in plan) for row in rows
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
