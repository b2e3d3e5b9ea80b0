from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.kit.pagination import paginate
from app.models import AuditEvent, AuditEventPublic

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEventPublic])
def list_audit_events(
    session: SessionDep,
    page: PageDep,
    _: Annotated[Principal, Depends(require(Perm.AUDIT_READ))],
    action: Annotated[str | None, Query(max_length=60, description="e.g. finding.approved")] = None,
    entity_type: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[str | None, Query(max_length=60)] = None,
    actor_key_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Page[AuditEventPublic]:
    """The append-only audit trail, newest first. No API edits or deletes an event."""
    stmt = select(AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_key_id is not None:
        stmt = stmt.where(AuditEvent.actor_key_id == actor_key_id)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.at <= until)
    rows, cursor = paginate(session, stmt, page, [AuditEvent.id], descending=True)  # type: ignore[list-item]
    return Page(items=[AuditEventPublic.model_validate(r) for r in rows], next_cursor=cursor)
