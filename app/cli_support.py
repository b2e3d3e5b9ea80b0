"""What every `shadowspend` command shares: the consoles, failing with a message, and the
checks a command runs before it touches the database."""

from __future__ import annotations

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


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def engine_or_exit() -> Engine:
    """The configured engine, after proving the database answers."""
    settings = get_settings()
    engine = get_engine(settings)
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
