"""Run one connection's sync: lease, window, pages committed one by one, bookmark after data.

Guarantees:
* Two schedulers never run one connection at once: a lease row-update that only one writer can
  win (plus ``SKIP LOCKED`` when the scheduler picks due connections on Postgres).
* The bookmark moves in the same commit as the page's rows, so a sync killed after N pages
  resumes from page N with nothing lost; re-fetched rows are upserts, so nothing is doubled.
* Config errors (a human must act) mark the connection ``needs_attention`` and are not retried;
  transient errors mark it ``failing`` and it is retried at the next schedule with backoff.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app import redact
from app.config import ConfigError
from app.connections import connector as connector_mod
from app.crypto import encrypt_secrets
from app.db import utcnow
from app.feeds import rollup
from app.findings import engine as findings_engine
from app.ingest.service import BadRow, Ingestor
from app.models import Connection, ConnectionStatus, SyncRun, SyncRunStatus
from connectors.base import ConnectorConfigError, ConnectorError, ConnectorTransientError

log = logging.getLogger("shadowspend.sync")

LEASE = timedelta(minutes=15)
FAILING_BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
OWNER = f"{socket.gethostname()}:{os.getpid()}"

#: The HTTP transport a connection's connector uses (None: the network). Passed to
#: :func:`run_sync` as httpx takes ``Client(transport=)``; tests pass ``httpx.MockTransport``.
TransportFactory = Callable[[Connection], httpx.BaseTransport | None]


def network(_connection: Connection) -> httpx.BaseTransport | None:
    return None


class LeaseHeld(Exception):
    """Another worker is syncing this connection right now."""


@dataclass
class SyncOutcome:
    run_id: int
    status: str
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    removed: int = 0
    rejected: int = 0
    error: str | None = None


def acquire_lease(session: Session, connection_id: int, owner: str, now: datetime) -> bool:
    """Take the connection's lease if it is free or expired (one writer wins)."""
    result = session.execute(
        update(Connection)
        .where(
            col(Connection.id) == connection_id,
            or_(
                col(Connection.lease_owner).is_(None),
                col(Connection.lease_expires_at) < now,
            ),
        )
        .values(lease_owner=owner, lease_expires_at=now + LEASE)
    )
    return getattr(result, "rowcount", 0) == 1


INTERRUPTED = (
    "interrupted: the process running it stopped before it finished; the next run picked up "
    "from the last committed page"
)


def _close_interrupted_runs(session: Session, connection_id: int, now: datetime) -> None:
    """Runs of this connection still marked running when its lease is taken are dead: a live
    sync renews the lease every page, and only one holder exists. They are marked failed so
    the history does not show them running forever. File imports take no lease and are left
    alone."""
    session.execute(
        update(SyncRun)
        .where(
            col(SyncRun.connection_id) == connection_id,
            col(SyncRun.status) == SyncRunStatus.RUNNING,
            col(SyncRun.trigger) != "import",
        )
        .values(status=SyncRunStatus.FAILED, finished_at=now, error=INTERRUPTED)
    )


def release_lease(session: Session, connection_id: int, owner: str) -> None:
    session.execute(
        update(Connection)
        .where(col(Connection.id) == connection_id, col(Connection.lease_owner) == owner)
        .values(lease_owner=None, lease_expires_at=None)
    )


def due_connections(session: Session, now: datetime, limit: int = 20) -> list[int]:
    """Enabled, scheduled API connections whose time has come and that nobody is syncing."""
    stmt = (
        select(Connection.id)
        .where(
            col(Connection.enabled).is_(True),
            col(Connection.schedule_minutes).is_not(None),
            col(Connection.status) != ConnectionStatus.NEEDS_ATTENTION,
            col(Connection.connector).in_(sorted(connector_mod.API_CONNECTORS)),
            or_(col(Connection.next_sync_at).is_(None), col(Connection.next_sync_at) <= now),
            or_(col(Connection.lease_owner).is_(None), col(Connection.lease_expires_at) < now),
        )
        .order_by(col(Connection.next_sync_at))
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return [i for i in session.exec(stmt).all() if i is not None]


def run_sync(
    engine: Engine,
    connection_id: int,
    *,
    trigger: str = "schedule",
    owner: str | None = None,
    now: datetime | None = None,
    session_factory: Callable[[], AbstractContextManager[Session]] | None = None,
    on_page: Callable[[int], None] | None = None,
    transport: TransportFactory = network,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncOutcome:
    """Sync one connection now. Raises LeaseHeld when another worker holds it.

    ``transport`` gives the connector's HTTP transport for the connection (the network by
    default); ``sleep`` is the pause between retries of a transient failure."""
    owner = owner or f"{OWNER}:{uuid.uuid4().hex[:8]}"
    make_session: Callable[[], AbstractContextManager[Session]] = session_factory or (
        lambda: Session(engine, expire_on_commit=False)
    )
    started = now or utcnow()
    with make_session() as session:
        connection = session.get(Connection, connection_id)
        if connection is None:
            raise ConnectorConfigError(f"connection {connection_id} does not exist")
        if not acquire_lease(session, connection_id, owner, started):
            session.rollback()
            raise LeaseHeld(f"connection {connection.name!r} is already syncing")
        _close_interrupted_runs(session, connection_id, started)
        run = SyncRun(connection_id=connection_id, trigger=trigger, started_at=started)
        session.add(run)
        session.commit()
        assert run.id is not None
        outcome = SyncOutcome(run_id=run.id, status=SyncRunStatus.RUNNING)
        try:
            _pages(session, connection, run, outcome, started, on_page, transport, sleep)
            connection.status = ConnectionStatus.OK
            connection.status_detail = None
            run.status = outcome.status = SyncRunStatus.SUCCEEDED
            if connection.schedule_minutes:
                connection.next_sync_at = started + timedelta(minutes=connection.schedule_minutes)
        except ConnectorConfigError as exc:
            session.rollback()
            _fail(connection, run, outcome, ConnectionStatus.NEEDS_ATTENTION, str(exc), started)
            connection.next_sync_at = None  # a human must fix it first
        except (ConnectorTransientError, ConnectorError, httpx.HTTPError) as exc:
            session.rollback()
            _fail(connection, run, outcome, ConnectionStatus.FAILING, str(exc), started)
        except Exception as exc:
            session.rollback()
            log.exception("sync of connection %s crashed", connection_id)
            _fail(
                connection,
                run,
                outcome,
                ConnectionStatus.FAILING,
                f"unexpected error: {exc.__class__.__name__}",
                started,
            )
        run.finished_at = utcnow()
        connection.last_sync_at = started
        connection.updated_at = utcnow()
        session.add(run)
        session.add(connection)
        release_lease(session, connection_id, owner)
        session.commit()
        if outcome.inserted or outcome.updated or outcome.removed:
            _refresh_rollups(session)
        log.info(
            "sync %s of %r: %s, %s fetched, %s inserted, %s updated, %s removed",
            run.id,
            connection.name,
            outcome.status,
            outcome.fetched,
            outcome.inserted,
            outcome.updated,
            outcome.removed,
        )
        return outcome


def _refresh_rollups(session: Session) -> None:
    """Bring the spend rollups up to date now rather than on the next read (best effort: a
    read refreshes whatever is still marked)."""
    try:
        rollup.ensure_fresh(session, session.commit)
    except Exception:
        session.rollback()
        log.warning("spend rollup refresh after sync failed; the next read retries it")


def _fail(
    connection: Connection,
    run: SyncRun,
    outcome: SyncOutcome,
    status: ConnectionStatus,
    message: str,
    started: datetime,
) -> None:
    previous_failures = 1 if connection.status == ConnectionStatus.FAILING else 0
    # A provider's error text may echo what we sent it: never stored (nor shown in /runs, nor
    # passed on to the job's error) before the scrubber, which also knows this connection's
    # own secrets.
    message = redact.scrub(message, _known_secrets(connection))
    connection.status = status
    connection.status_detail = message[:2000]
    run.status = outcome.status = SyncRunStatus.FAILED
    run.error = outcome.error = message[:4000]
    run.fetched, run.inserted, run.updated = outcome.fetched, outcome.inserted, outcome.updated
    run.removed, run.rejected = outcome.removed, outcome.rejected
    backoff = FAILING_BACKOFF[min(previous_failures, len(FAILING_BACKOFF) - 1)]
    connection.next_sync_at = started + backoff


def _known_secrets(connection: Connection) -> list[str]:
    try:
        return list(connector_mod.secrets_of(connection).values())
    except ConfigError:
        return []  # undecryptable: the patterns alone scrub the text


def _pages(
    session: Session,
    connection: Connection,
    run: SyncRun,
    outcome: SyncOutcome,
    started: datetime,
    on_page: Callable[[int], None] | None,
    transport: TransportFactory,
    sleep: Callable[[float], None],
) -> None:
    secrets = connector_mod.secrets_of(connection)
    connection_id = connection.id

    def rotated(new: Any) -> None:
        # Single-use refresh tokens: persist the new one at once, in its own commit.
        values = {k: v.get_secret_value() for k, v in new}
        with Session(session.get_bind()) as side:
            side.execute(
                update(Connection)
                .where(col(Connection.id) == connection_id)
                .values(secrets_encrypted=encrypt_secrets(values))
            )
            side.commit()

    connector = connector_mod.build_connector(
        connection,
        secrets,
        transport=transport(connection),
        on_secrets_rotated=rotated,
        sleep=sleep,
    )
    with connector:
        window = connector.plan(connection.bookmark, now=started)
        run.window_start, run.window_end = window.start, window.end

        def refused(bad: BadRow) -> None:
            # One record the provider sent that no database stores as it is: skipped and
            # counted, not a reason to stop the connection's sync for good.
            outcome.rejected += 1
            log.warning("sync of %r: skipped record %s: %s", connection.name, bad.external_id, bad)

        ingestor = Ingestor(session, connection, on_refused=refused)
        # Never wait on the network inside a transaction: on SQLite that would hold the write
        # lock (and block every writer) for as long as the provider takes to answer.
        session.commit()
        for page in connector.fetch(window, connection.bookmark):
            stats = ingestor.ingest(page.transactions)
            findings_engine.refresh(session, stats.vendor_ids, candidates=stats.candidate_names)
            outcome.fetched += stats.fetched
            outcome.inserted += stats.inserted
            outcome.updated += stats.updated
            outcome.removed += stats.removed
            outcome.rejected += len(page.rejected)
            run.fetched, run.inserted, run.updated = (
                outcome.fetched,
                outcome.inserted,
                outcome.updated,
            )
            run.removed, run.rejected = outcome.removed, outcome.rejected
            if page.next_bookmark is not None:
                connection.bookmark = page.next_bookmark
            connection.lease_expires_at = utcnow() + LEASE
            session.add(run)
            session.add(connection)
            session.commit()  # the page's rows and the bookmark after them, atomically
            # (and no transaction stays open while the next page is fetched)
            if on_page is not None:
                on_page(outcome.fetched)
