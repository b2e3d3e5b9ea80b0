"""What every `shadowspend` command shares: the consoles, failing with a message, and the
checks a command runs before it touches the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app import migrate as migrations
from app.config import ConfigError, get_settings
from app.db import get_engine

err = Console(stderr=True)
out = Console()


def _plain_flags(params: list[Any]) -> list[Any]:
    # Typer's help labels every option with its type; for an on/off flag (`--reset`,
    # `--help`) that is a meaningless `<bool>`. An empty metavar shows the flag alone.
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class PlainFlagsGroup(typer.core.TyperGroup):
    """The command group of `shadowspend` (and its sub-groups): help shows flags plainly."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, typer.core.TyperGroup):
            _plain_flags(command.get_params(ctx))
        return command


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def engine_or_exit() -> Engine:
    """The configured engine, after proving the database answers."""
    settings = get_settings()
    engine = get_engine(settings)
    _warn_if_new_sqlite(engine)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        shown = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise fail(
            f"cannot reach the database at {shown}: {reason}\n"
            "Set SHADOWSPEND_DATABASE_URL to a reachable database "
            "(postgresql+psycopg://user:pass@host:5432/db) or unset it for embedded SQLite."
        ) from None
    return engine


def _warn_if_new_sqlite(engine: Engine) -> None:
    """Say so when connecting is about to create an empty SQLite file: a typo in the URL or
    another working directory otherwise looks like lost data."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    path = Path(database)
    if not path.exists():
        err.print(
            f"[yellow]note:[/] no database at {path.resolve()}: creating an empty one "
            "(set SHADOWSPEND_DATABASE_URL to use another)",
            soft_wrap=True,  # the path stays whole, to copy
        )


def check_secret_key() -> None:
    try:
        get_settings().resolve_secret_key()
        get_settings().resolve_previous_secret_keys()
    except ConfigError as exc:
        raise fail(str(exc)) from None


def require_schema(engine: Engine) -> None:

    current = migrations.current_revision(engine)
    if current != migrations.head_revision():
        if engine.url.get_backend_name() == "sqlite":
            migrations.upgrade(engine)
            return
        raise fail(
            f"the database schema is at {current or 'nothing'}, not the latest; "
            "run `shadowspend migrate` first"
        )
