"""A sync asked for by a person ("sync now"), from the API or the console: the same checks,
the same job and the same audit event whichever door it came through."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.connections import connector as connector_mod
from app.connections import service, sync
from app.db import get_engine, utcnow
from app.errors import Conflict, Unprocessable
from app.jobs import runner as job_runner
from app.models import Connection, Job


def transport() -> sync.TransportFactory:
    """The HTTP transport a manual sync's connector uses: the network (tests override this
    dependency with an ``httpx.MockTransport``)."""
    return sync.network


def syncing(connection: Connection) -> bool:
    """Whether a run of ``connection`` holds its lease now."""
    return connection.lease_owner is not None and (
        connection.lease_expires_at is None or connection.lease_expires_at > utcnow()
    )


def start_sync(
    session: Session,
    connection_id: int,
    principal: Principal,
    factory: sync.TransportFactory,
    *,
    checkpoint: Callable[[], None],
) -> Job:
    """Queue a manual sync of an API connection as a background job and audit the request;
    the owner's ``checkpoint`` (its commit) makes both visible before the runner picks the
    job up. 422 for a file connection,
    409 while a sync of it is running."""
    connection = service.get(session, connection_id)
    if connection.connector not in connector_mod.API_CONNECTORS:
        raise Unprocessable(f"{connection.connector!r} connections take files, not syncs")
    if syncing(connection):
        raise Conflict(f"connection {connection.name!r} is already syncing")
    job = job_runner.create(
        session, "sync", params={"connection_id": connection_id}, key_id=principal.key_id
    )
    audit_service.record(
        session, principal, "connection.sync_requested", "connection", connection_id
    )
    checkpoint()

    def run(job_session: Session, report: job_runner.Reporter) -> dict[str, Any]:
        try:
            outcome = sync.run_sync(
                get_engine(),
                connection_id,
                trigger="manual",
                session_factory=lambda: _borrowed(job_session),
                on_page=lambda fetched: report(fetched),
                transport=factory,
            )
        except sync.LeaseHeld as exc:
            raise RuntimeError(str(exc)) from None
        if outcome.status == "failed":
            raise RuntimeError(outcome.error or "sync failed")
        return outcome.__dict__

    assert job.id is not None
    job_runner.runner.submit(job.id, run)
    session.refresh(job)
    return job


@contextmanager
def _borrowed(session: Session) -> Iterator[Session]:
    """Use the job's session as the sync's session (the job closes it)."""
    yield session
