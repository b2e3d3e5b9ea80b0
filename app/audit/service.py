"""Append-only audit trail. Every state change a person causes writes one event."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.auth.principal import Principal
from app.models import AuditEvent


def record(
    session: Session,
    actor: Principal,
    action: str,
    entity_type: str,
    entity_id: int | str | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor_key_id=actor.key_id,
        actor_name=actor.name,
        actor_role=actor.role.value,
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        before=before,
        after=after,
        comment=comment,
    )
    session.add(event)
    return event
