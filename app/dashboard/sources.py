"""What the Sources page shows: every connection with its status in words, its last and next
sync and its last error (scrubbed of credentials once more on the way out), the runs behind
it, and the recent file imports with their counts. Read from the same tables the API's
``/connections`` and ``/connections/{id}/runs`` answer from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app import redact
from app.connections import connector as connector_mod
from app.connections import manual
from app.dashboard import labels
from app.models import Connection, SyncRun

RUNS_SHOWN = 25
IMPORTS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    name: str
    connector: str
    is_file: bool
    is_it_channel: bool
    enabled: bool
    status: str
    status_words: str
    problem: str | None  # the last error, scrubbed
    last_sync_at: datetime | None
    next_sync_at: datetime | None
    schedule_minutes: int | None
    syncing: bool
    last_run: SyncRun | None


def _words(connection: Connection, last_run: SyncRun | None) -> str:
    if not connection.enabled:
        return "Paused: turned off, it does not sync"
    if last_run is None and connection.last_sync_at is None:
        # A connection created with data (the demo's) but never run says so, not "succeeded".
        is_file = connection.connector not in connector_mod.API_CONNECTORS
        return "No file imported here yet" if is_file else labels.label("connection", "never_run")
    return labels.label("connection", connection.status)


def _source(connection: Connection, last_run: SyncRun | None) -> Source:
    assert connection.id is not None
    detail = connection.status_detail
    return Source(
        id=connection.id,
        name=connection.name,
        connector=connection.connector,
        is_file=connection.connector not in connector_mod.API_CONNECTORS,
        is_it_channel=connection.is_it_channel,
        enabled=connection.enabled,
        status=connection.status,
        status_words=_words(connection, last_run),
        problem=redact.scrub(detail) if detail else None,
        last_sync_at=connection.last_sync_at,
        next_sync_at=connection.next_sync_at if connection.enabled else None,
        schedule_minutes=connection.schedule_minutes,
        syncing=manual.syncing(connection),
        last_run=last_run,
    )


def sources(session: Session) -> list[Source]:
    """Every connection, API sources first, each with its latest run (one query for all)."""
    latest = sa_select(func.max(SyncRun.id)).group_by(col(SyncRun.connection_id)).scalar_subquery()
    newest = session.exec(select(SyncRun).where(col(SyncRun.id).in_(latest)))
    runs: dict[int | None, SyncRun] = {r.connection_id: r for r in newest}
    rows = [_source(c, runs.get(c.id)) for c in session.exec(select(Connection))]
    return sorted(rows, key=lambda s: (s.is_file, s.name.lower()))


def source(session: Session, connection: Connection) -> tuple[Source, list[SyncRun]]:
    """One connection and its newest runs."""
    runs = list(
        session.exec(
            select(SyncRun)
            .where(SyncRun.connection_id == connection.id)
            .order_by(col(SyncRun.id).desc())
            .limit(RUNS_SHOWN)
        )
    )
    return _source(connection, runs[0] if runs else None), [_scrubbed(r) for r in runs]


def recent_imports(session: Session) -> list[tuple[str, SyncRun]]:
    """The newest runs of file connections: (connection name, run)."""
    stmt = (
        select(Connection.name, SyncRun)
        .join(Connection, col(Connection.id) == col(SyncRun.connection_id))
        .where(col(Connection.connector).not_in(connector_mod.API_CONNECTORS))
        .order_by(col(SyncRun.id).desc())
        .limit(IMPORTS_SHOWN)
    )
    return [(str(name), _scrubbed(run)) for name, run in session.exec(stmt)]


def _scrubbed(run: SyncRun) -> SyncRun:
    # Shown, never written back: the session is rolled back at the end of the request.
    if not run.error:
        return run
    shown = SyncRun.model_validate(run.model_dump())
    shown.error = redact.scrub(run.error)
    return shown
