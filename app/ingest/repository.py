"""The one place new transaction rows are written in bulk.

SQLAlchemy's per-parameter processing costs more than the database's own insert at import
volumes, so rows reach the driver as plain tuples: ``executemany`` on SQLite, ``COPY`` on
PostgreSQL, Core ``insert`` elsewhere. :data:`COLUMNS` is the contract (a test checks it
against the table); :class:`RowEncoder` turns Python values into what this session's driver
takes, so the caller builds each row once, already in its final form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection as SAConnection
from sqlmodel import Session

from app.models import Transaction
from app.models.transactions import candidate_rows_sql

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
    "kind",
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

# ``json.dumps(value, default=str)`` builds an encoder per call, which costs as much as the
# encoding at import volumes: one is built here. The text is what SQLAlchemy's JSON type
# writes (json.dumps defaults), with non-JSON values (dates, decimals) as their str(), as
# ``jsonable``'s round trip gives.
_JSON_TEXT = json.JSONEncoder(default=str).encode


def _reusable_c_encoder() -> Any:
    """CPython's accelerated encoder, built once (its signature is internal: checked here)."""
    if c_make_encoder is None:  # pragma: no cover - other interpreters
        return None
    try:
        encoder = c_make_encoder(
            None, str, encode_basestring_ascii, None, ": ", ", ", False, False, True
        )
        probe = {"a": [1, 2.5, None, True], "b": date(2024, 1, 2), "é": {"c": '"'}}
        if "".join(encoder(probe, 0)) == _JSON_TEXT(probe):
            return encoder
    except Exception:  # pragma: no cover - a Python whose internals changed
        return None
    return None  # pragma: no cover


_C_ENCODER = _reusable_c_encoder()


def _json_text(value: Mapping[str, Any]) -> str:
    data = value if type(value) is dict else dict(value)
    if _C_ENCODER is not None:
        return "".join(_C_ENCODER(data, 0))
    return _JSON_TEXT(data)  # pragma: no cover


_PLAIN = (str, int, float, bool, type(None))


def jsonable(value: Mapping[str, Any]) -> dict[str, Any]:
    """``value`` as a dict of JSON types (non-JSON values such as dates become their str)."""
    data = dict(value)
    if all(isinstance(v, _PLAIN) for v in data.values()):
        return data
    loaded: dict[str, Any] = json.loads(_JSON_TEXT(data))
    return loaded


class RowEncoder:
    """How this session's driver takes dates, timestamps and JSON for :func:`insert_transactions`.

    SQLite gets the representations SQLAlchemy's SQLite dialect itself stores and reads back
    (ISO dates, naive-UTC timestamps, JSON text; booleans bind as 0/1 natively); PostgreSQL's
    COPY takes dates and aware timestamps as they are and JSON as text. Anything else gets
    Python values for SQLAlchemy to process.
    """

    def __init__(self, session: Session) -> None:
        self.dialect: str = session.connection().dialect.name
        # Calendar dates repeat across a file: each is formatted once.
        self._dates: dict[date, str] = {}

    def date(self, value: date | None) -> Any:
        if value is None or self.dialect != "sqlite":
            return value
        text = self._dates.get(value)
        if text is None:
            if len(self._dates) > 100_000:
                self._dates.clear()
            text = self._dates[value] = value.isoformat()
        return text

    def timestamp(self, value: datetime | None) -> Any:
        if value is None or self.dialect != "sqlite":
            return value
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(sep=" ", timespec="microseconds")

    def json(self, value: Mapping[str, Any]) -> Any:
        if self.dialect in ("sqlite", "postgresql"):
            return _json_text(value)
        return jsonable(value)


_LOOKUP_CHUNK = 500  # ids per statement on SQLite (old builds allow 999 parameters)


_CANDIDATE = f"CASE WHEN {candidate_rows_sql()} THEN matched_text END"


def existing_transactions(
    session: Session, connection_id: int, external_ids: Sequence[str]
) -> list[tuple[int, str, str | None, int | None, str | None]]:
    """``(id, external_id, source_hash, vendor_id, candidate)`` of this connection's stored
    rows among ``external_ids`` (``candidate``: the candidate vendor's name when the row is
    one's, see app.findings.unrecognised), read through the driver (an expanding ``IN`` of
    thousands of ids costs SQLAlchemy more than the lookup itself)."""
    if not external_ids:
        return []
    connection: SAConnection = session.connection()
    columns = f"SELECT id, external_id, source_hash, vendor_id, {_CANDIDATE} FROM transactions"  # noqa: S608 - constants only
    found: list[tuple[int, str, str | None, int | None, str | None]] = []
    if connection.dialect.name == "sqlite":
        for start in range(0, len(external_ids), _LOOKUP_CHUNK):
            chunk = external_ids[start : start + _LOOKUP_CHUNK]
            marks = ", ".join("?" for _ in chunk)
            sql = f"{columns} WHERE connection_id = ? AND external_id IN ({marks})"
            found.extend(connection.exec_driver_sql(sql, (connection_id, *chunk)).all())
        return found
    if connection.dialect.name == "postgresql":
        sql = f"{columns} WHERE connection_id = %(c)s AND external_id = ANY(%(ids)s)"
        params = {"c": connection_id, "ids": list(external_ids)}
        found.extend(connection.exec_driver_sql(sql, params).all())
        return found
    table = Transaction.__table__  # type: ignore[attr-defined]
    stmt = select(
        table.c.id,
        table.c.external_id,
        table.c.source_hash,
        table.c.vendor_id,
        text(_CANDIDATE),
    ).where(table.c.connection_id == connection_id, table.c.external_id.in_(list(external_ids)))
    found.extend(session.execute(stmt).all())
    return found


def insert_transactions(session: Session, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert new transactions: tuples in :data:`COLUMNS` order, encoded by a
    :class:`RowEncoder` of the same session."""
    if not rows:
        return
    connection: SAConnection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in COLUMNS)
        sql = f"INSERT INTO transactions ({', '.join(COLUMNS)}) VALUES ({marks})"  # noqa: S608
        connection.exec_driver_sql(sql, rows if isinstance(rows, list) else list(rows))
        return
    if dialect == "postgresql":
        raw_conn = connection.connection.dbapi_connection
        assert raw_conn is not None
        sql = f"COPY transactions ({', '.join(COLUMNS)}) FROM STDIN"
        cursor: Any = raw_conn.cursor()
        with cursor, cursor.copy(sql) as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        return
    session.execute(
        Transaction.__table__.insert(),  # type: ignore[attr-defined]
        [dict(zip(COLUMNS, row, strict=True)) for row in rows],
    )
