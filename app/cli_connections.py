"""`shadowspend connections ...`: configure sources from the command line (each command parses
its options and calls a typed function of app.commands.connections)."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from app.cli_support import (
    PlainFlagsGroup,
    check_secret_key,
    engine_or_exit,
    fail,
    out,
    ready_engine,
)

connections_cli = typer.Typer(
    help="Configure sources (connectors) from the command line.", cls=PlainFlagsGroup
)


@connections_cli.command("list")
def connections_list() -> None:
    """Every connection with its status and schedule (secrets are never shown)."""
    from app.commands import connections

    table = Table("id", "name", "connector", "status", "schedule", "last sync", "detail")
    for c in connections.list_connections(ready_engine()):
        table.add_row(str(c.id), c.name, c.connector, c.status, c.schedule, c.last_sync, c.detail)
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
    from app.commands import connections
    from app.models import ConnectionCreate

    check_secret_key()
    secrets = connections.pairs(secret or [], "--secret")
    settings = connections.pairs(config or [], "--config")
    create = ConnectionCreate(
        name=name,
        connector=connector,
        config=settings,
        secrets={**connections.secrets_from_env(os.environ), **secrets},
        schedule_minutes=schedule_minutes,
        is_it_channel=it_channel,
    )
    row_id = connections.add_connection(ready_engine(), create)
    out.print(f"connection #{row_id} {name!r} ({connector}) added")


@connections_cli.command("check")
def connections_check(name: Annotated[str, typer.Argument(help="Connection name")]) -> None:
    """Verify an API connection's credentials and reachability with one cheap call."""
    from app.commands import connections

    check_secret_key()
    connections.check_connection(engine_or_exit(), name)
    out.print(f"{name}: ok")


@connections_cli.command("remove")
def connections_remove(
    name: Annotated[str, typer.Argument(help="Connection name")],
    yes: Annotated[bool, typer.Option("--yes", help="Also delete its transactions")] = False,
) -> None:
    """Delete a connection and every transaction it brought in."""
    from app.commands import connections

    if not yes:
        raise fail("this deletes the connection's transactions too; pass --yes to confirm")
    connections.remove_connection(engine_or_exit(), name)
    out.print(f"connection {name!r} removed")
