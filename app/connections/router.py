from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.connections import manual, service, sync
from app.jobs import runner as job_runner
from app.kit.pagination import paginate
from app.models import (
    Connection,
    ConnectionCreate,
    ConnectionPublic,
    ConnectionUpdate,
    JobPublic,
    SyncRun,
    SyncRunPublic,
)

router = APIRouter(prefix="/connections", tags=["connections"])


sync_transport = manual.transport


@router.get("", response_model=Page[ConnectionPublic])
def list_connections(
    session: SessionDep,
    page: PageDep,
    _: Annotated[Principal, Depends(require(Perm.CONNECTIONS_READ))],
) -> Page[ConnectionPublic]:
    """Configured sources with their status. Secrets are never returned: `secret_fields`
    names the ones that are set."""
    rows, cursor = paginate(session, select(Connection), page, [Connection.id])  # type: ignore[list-item]
    return Page(items=[service.to_public(r) for r in rows], next_cursor=cursor)


@router.post("", response_model=ConnectionPublic, status_code=status.HTTP_201_CREATED)
def create_connection(
    data: ConnectionCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.CONNECTIONS_WRITE))],
) -> ConnectionPublic:
    """Configure a source. `secrets` (API keys, client secrets) are encrypted at rest and
    write-only. `is_it_channel` marks IT's own procurement card."""
    row = service.create(session, data, principal)
    session.commit()
    return service.to_public(row)


@router.get("/{connection_id}", response_model=ConnectionPublic)
def get_connection(
    connection_id: int,
    session: SessionDep,
    _: Annotated[Principal, Depends(require(Perm.CONNECTIONS_READ))],
) -> ConnectionPublic:
    """One connection, with its status and why it is failing when it is."""
    return service.to_public(service.get(session, connection_id))


@router.patch("/{connection_id}", response_model=ConnectionPublic)
def update_connection(
    connection_id: int,
    data: ConnectionUpdate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.CONNECTIONS_WRITE))],
) -> ConnectionPublic:
    """Change a connection. Sending `secrets` replaces all stored secrets."""
    row = service.update(session, connection_id, data, principal)
    session.commit()
    return service.to_public(row)


@router.delete("/{connection_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_connection(
    connection_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.CONNECTIONS_WRITE))],
) -> None:
    """Delete a connection and every transaction it brought in."""
    service.delete(session, connection_id, principal)
    session.commit()


@router.post(
    "/{connection_id}/sync", response_model=JobPublic, status_code=status.HTTP_202_ACCEPTED
)
def sync_now(
    connection_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.CONNECTIONS_SYNC))],
    transport: Annotated[sync.TransportFactory, Depends(sync_transport)],
) -> JobPublic:
    """Run this API connection's sync now, in the background. Poll `GET /jobs/{id}`; the run
    also appears under `/connections/{id}/runs`. 409 while a sync of it is running."""
    return JobPublic.model_validate(
        manual.start_sync(session, connection_id, principal, transport, checkpoint=session.commit)
    )


@router.get("/{connection_id}/runs", response_model=Page[SyncRunPublic])
def list_runs(
    connection_id: int,
    session: SessionDep,
    page: PageDep,
    _: Annotated[Principal, Depends(require(Perm.CONNECTIONS_READ))],
) -> Page[SyncRunPublic]:
    """The connection's sync history, newest first. A file import whose process stopped
    part-way shows as failed ("interrupted"), not running forever."""
    service.get(session, connection_id)
    if job_runner.reap_stale(session):
        session.commit()
    stmt = select(SyncRun).where(SyncRun.connection_id == connection_id)
    rows, cursor = paginate(session, stmt, page, [SyncRun.id], descending=True)  # type: ignore[list-item]
    return Page(items=[SyncRunPublic.model_validate(r) for r in rows], next_cursor=cursor)
