"""`shadowspend connections ...`: configure sources from the command line."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table
from sqlmodel import Session, select

from app import redact
from app.auth.principal import SYSTEM
from app.cli_support import (
    PlainFlagsGroup,
    check_secret_key,
    engine_or_exit,
    fail,
    out,
    require_schema,
)
from app.connections import connector as connector_mod
from app.connections import service as connection_service
from app.db import unit_of_work
from app.errors import AppError
from app.models import Connection, ConnectionCreate
from connectors.base import ConnectorError

connections_cli = typer.Typer(
    help="Configure sources (connectors) from the command line.", cls=PlainFlagsGroup
)


def _pairs(values: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"{what} must be KEY=VALUE, got {item!r}")
        out[key.strip()] = value
    return out


@connections_cli.command("list")
def connections_list() -> None:
    """Every connection with its status and schedule (secrets are never shown)."""
    engine = engine_or_exit()
    require_schema(engine)
    table = Table("id", "name", "connector", "status", "schedule", "last sync", "detail")
    with Session(engine) as session:
        for c in session.exec(select(Connection).order_by(Connection.id)):  # type: ignore[arg-type]
            table.add_row(
                str(c.id),
                c.name,
                c.connector,
                c.status,
                f"{c.schedule_minutes} min" if c.schedule_minutes else "manual",
                c.last_sync_at.isoformat(timespec="minutes") if c.last_sync_at else "-",
                (c.status_detail or "")[:60],
            )
    out.print(table)


@connections_cli.command("add")
def connections_add(
    name: Annotated[str, typer.Argument(help="A unique name")],
    connector: Annotated[str, typer.Option(help="ramp, plaid, brex, xero, or file")],
    config: Annotated[
        list[str] | None, typer.Option("--config", help="KEY=VALUE (repeat), e.g. base_url=...")
    ] = None,
    secret: Annotated[
        list[str] | None,
        typer.Option("--secret", help="KEY=VALUE (repeat); encrypted at rest, never shown"),
    ] = None,
    schedule_minutes: Annotated[
        int | None, typer.Option(help="Sync every N minutes (API connectors)")
    ] = None,
    it_channel: Annotated[
        bool, typer.Option(help="Spend through this source is IT-procured")
    ] = False,
) -> None:
    """Add a connection. Secrets can also come from SHADOWSPEND_SECRET_<KEY> variables so
    they stay out of shell history."""
    check_secret_key()
    secrets = _pairs(secret or [], "--secret")
    for key, value in os.environ.items():
        if key.startswith("SHADOWSPEND_SECRET_") and key != "SHADOWSPEND_SECRET_KEY_FILE":
            field = key.removeprefix("SHADOWSPEND_SECRET_").lower()
            if field != "key":
                secrets.setdefault(field, value)
    engine = engine_or_exit()
    require_schema(engine)
    with unit_of_work(engine) as session:
        try:
            row = connection_service.create(
                session,
                ConnectionCreate(
                    name=name,
                    connector=connector,
                    config=_pairs(config or [], "--config"),
                    secrets=secrets,
                    schedule_minutes=schedule_minutes,
                    is_it_channel=it_channel,
                ),
                SYSTEM,
            )
        except AppError as exc:
            raise fail(exc.detail) from None
    out.print(f"connection #{row.id} {name!r} ({connector}) added")


@connections_cli.command("check")
def connections_check(name: Annotated[str, typer.Argument(help="Connection name")]) -> None:
    """Verify an API connection's credentials and reachability with one cheap call."""
    check_secret_key()
    engine = engine_or_exit()
    with Session(engine) as session:
        row = connection_service.by_name(session, name)
        if row is None:
            raise fail(f"no connection named {name!r}")
        try:
            with connector_mod.build_connector(row, connector_mod.secrets_of(row)) as connector:
                connector.check()
        except ConnectorError as exc:
            # The provider's text may echo the credentials: scrubbed, as for storing it.
            said = redact.scrub(str(exc), connector_mod.secrets_of(row).values())
            raise fail(f"{name}: {said}") from None
    out.print(f"{name}: ok")


@connections_cli.command("remove")
def connections_remove(
    name: Annotated[str, typer.Argument(help="Connection name")],
    yes: Annotated[bool, typer.Option("--yes", help="Also delete its transactions")] = False,
) -> None:
    """Delete a connection and every transaction it brought in."""
    if not yes:
        raise fail("this deletes the connection's transactions too; pass --yes to confirm")
    engine = engine_or_exit()
    with unit_of_work(engine) as session:
        row = connection_service.by_name(session, name)
        if row is None or row.id is None:
            raise fail(f"no connection named {name!r}")
        connection_service.delete(session, row.id, SYSTEM)
    out.print(f"connection {name!r} removed")
