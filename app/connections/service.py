"""Connections: configured sources. Secrets are write-only and encrypted at rest."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from sqlmodel import Session, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.config import ConfigError
from app.connections import connector as connector_mod
from app.crypto import decrypt_secrets, encrypt_secrets, reencrypt
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.findings import engine as findings_engine
from app.models import Connection, ConnectionCreate, ConnectionPublic, ConnectionUpdate
from app.outside_it import service as outside
from connectors.base import ConnectorConfigError


def get(session: Session, connection_id: int) -> Connection:
    row = session.get(Connection, connection_id)
    if row is None:
        raise NotFound(f"connection {connection_id} does not exist")
    return row


def by_name(session: Session, name: str) -> Connection | None:
    return session.exec(select(Connection).where(Connection.name == name)).first()


def to_public(row: Connection) -> ConnectionPublic:
    names: list[str] = []
    if row.secrets_encrypted:
        # Under a key no longer configured, the names are unknown: the sync says why; the
        # list still answers.
        with suppress(ConfigError):
            names = sorted(decrypt_secrets(row.secrets_encrypted))
    return ConnectionPublic.model_validate(
        row, update={"has_secrets": bool(row.secrets_encrypted), "secret_fields": names}
    )


def _check_connector(slug: str) -> None:
    known = connector_mod.KNOWN_CONNECTORS
    if slug not in known:
        raise Unprocessable(
            f"unknown connector {slug!r}; expected one of {', '.join(sorted(known))}"
        )


def _audit_view(row: Connection) -> dict[str, Any]:
    # Never the secrets: only which fields are set.
    return {
        "name": row.name,
        "connector": row.connector,
        "config": row.config,
        "schedule_minutes": row.schedule_minutes,
        "is_it_channel": row.is_it_channel,
        "enabled": row.enabled,
    }


def _check_config(connector: str, config: dict[str, Any], secrets: dict[str, str]) -> None:
    try:
        connector_mod.validate_config(connector, config, secrets)
    except ConnectorConfigError as exc:
        raise Unprocessable(str(exc)) from None


def create(session: Session, data: ConnectionCreate, actor: Principal) -> Connection:
    _check_connector(data.connector)
    _check_config(data.connector, data.config, data.secrets)
    if by_name(session, data.name) is not None:
        raise Conflict(f"a connection named {data.name!r} already exists")
    row = Connection.model_validate(data.model_dump(exclude={"secrets"}))
    row.secrets_encrypted = encrypt_secrets(data.secrets) if data.secrets else None
    if row.schedule_minutes and data.connector in connector_mod.API_CONNECTORS:
        row.next_sync_at = utcnow()
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor, "connection.created", "connection", row.id, after=_audit_view(row)
    )
    return row


def ensure_file_connection(
    session: Session, name: str, *, connector: str = "file", is_it_channel: bool = False
) -> Connection:
    """The connection a file import lands in, created on first use."""
    row = by_name(session, name)
    if row is None:
        row = Connection(name=name, connector=connector, is_it_channel=is_it_channel)
        session.add(row)
        session.flush()
    return row


def update(
    session: Session, connection_id: int, data: ConnectionUpdate, actor: Principal
) -> Connection:
    row = get(session, connection_id)
    before = _audit_view(row)
    changes = data.model_dump(exclude_unset=True)
    secrets = changes.pop("secrets", None)
    if "name" in changes and changes["name"] != row.name and by_name(session, changes["name"]):
        raise Conflict(f"a connection named {changes['name']!r} already exists")
    was_it_channel = bool(row.is_it_channel)
    for key, value in changes.items():
        if value is None and key in {"name", "config", "is_it_channel", "enabled"}:
            continue
        setattr(row, key, value)
    merged: dict[str, str] = decrypt_secrets(row.secrets_encrypted)
    if secrets is not None:
        # Merge, so one rotated credential can be sent alone; `{}` clears them all.
        merged = {**decrypt_secrets(row.secrets_encrypted), **secrets} if secrets else {}
        merged = {k: v for k, v in merged.items() if v != ""}
        row.secrets_encrypted = encrypt_secrets(merged) if merged else None
    _check_config(row.connector, row.config or {}, merged)
    if row.status == "needs_attention" and (secrets is not None or "config" in changes):
        # A human changed what was wrong: let the scheduler try again.
        row.status = "never_run"
        row.next_sync_at = utcnow() if row.schedule_minutes else None
    row.updated_at = utcnow()
    session.add(row)
    if bool(row.is_it_channel) != was_it_channel:
        # What comes through IT's own channel is IT-procured.
        findings_engine.refresh(
            session,
            outside.recompute(session, connection_id=row.id),
            candidates=None,  # unrecognised software changes sides too
        )
    after = _audit_view(row)
    if secrets is not None:
        after["secrets_replaced"] = sorted(secrets)
    audit_service.record(
        session, actor, "connection.updated", "connection", row.id, before=before, after=after
    )
    return row


def delete(session: Session, connection_id: int, actor: Principal) -> None:
    row = get(session, connection_id)
    before = _audit_view(row)
    session.delete(row)
    audit_service.record(
        session, actor, "connection.deleted", "connection", connection_id, before=before
    )


def reencrypt_all(session: Session) -> int:
    """Re-encrypt every connection's stored secrets under the current secret key (a key
    rotation's last step); returns how many were rewritten. Raises
    :class:`~app.config.ConfigError` when one cannot be decrypted with any accepted key."""
    count = 0
    for row in session.exec(select(Connection).where(Connection.secrets_encrypted.is_not(None))):  # type: ignore[union-attr]
        assert row.secrets_encrypted is not None
        row.secrets_encrypted = reencrypt(row.secrets_encrypted)
        session.add(row)
        count += 1
    return count
