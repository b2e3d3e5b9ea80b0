"""`shadowspend connections ...`: configure sources from the command line."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app import redact
from app.auth.principal import SYSTEM
from app.connections import connector as connector_mod
from app.connections import service as connection_service
from app.db import unit_of_work
from app.errors import NotFound, Unprocessable
from app.models import Connection, ConnectionCreate
from connectors.base import ConnectorError

_ENV_PREFIX = "SHADOWSPEND_SECRET_"
# Settings that share the prefix and are not a connection's secret.
_NOT_SECRETS = frozenset({"SHADOWSPEND_SECRET_KEY_FILE", "SHADOWSPEND_SECRET_KEY"})


@dataclass(frozen=True, kw_only=True, slots=True)
class ConnectionLine:
    """One connection as listed (never its secrets)."""

    id: int | None
    name: str
    connector: str
    status: str
    schedule: str
    last_sync: str
    detail: str


def pairs(values: Iterable[str], what: str) -> dict[str, str]:
    """``KEY=VALUE`` items as a dict; anything else is refused, naming ``what``."""
    found: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise Unprocessable(f"{what} must be KEY=VALUE, got {item!r}")
        found[key.strip()] = value
    return found


def secrets_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Secrets given as SHADOWSPEND_SECRET_<KEY> variables (so they stay out of shell
    history), by lower-cased key."""
    return {
        key.removeprefix(_ENV_PREFIX).lower(): value
        for key, value in environ.items()
        if key.startswith(_ENV_PREFIX) and key not in _NOT_SECRETS
    }


def list_connections(engine: Engine) -> list[ConnectionLine]:
    with Session(engine) as session:
        rows = session.exec(select(Connection).order_by(Connection.id))  # type: ignore[arg-type]
        return [
            ConnectionLine(
                id=c.id,
                name=c.name,
                connector=c.connector,
                status=c.status,
                schedule=f"{c.schedule_minutes} min" if c.schedule_minutes else "manual",
                last_sync=c.last_sync_at.isoformat(timespec="minutes") if c.last_sync_at else "-",
                detail=(c.status_detail or "")[:60],
            )
            for c in rows
        ]


def add_connection(engine: Engine, create: ConnectionCreate) -> int | None:
    """Add a connection (secrets encrypted at rest); its id."""
    with unit_of_work(engine) as session:
        row = connection_service.create(session, create, SYSTEM)
        return row.id


def check_connection(engine: Engine, name: str) -> None:
    """One cheap call with the connection's credentials; raises Unprocessable with the
    provider's answer (credentials scrubbed) when it fails."""
    with Session(engine) as session:
        row = connection_service.by_name(session, name)
        if row is None:
            raise NotFound(f"no connection named {name!r}")
        try:
            with connector_mod.build_connector(row, connector_mod.secrets_of(row)) as connector:
                connector.check()
        except ConnectorError as exc:
            # The provider's text may echo the credentials: scrubbed, as for storing it.
            said = redact.scrub(str(exc), connector_mod.secrets_of(row).values())
            raise Unprocessable(f"{name}: {said}") from None


def remove_connection(engine: Engine, name: str) -> None:
    """Delete a connection and every transaction it brought in."""
    with unit_of_work(engine) as session:
        row = connection_service.by_name(session, name)
        if row is None or row.id is None:
            raise NotFound(f"no connection named {name!r}")
        connection_service.delete(session, row.id, SYSTEM)
