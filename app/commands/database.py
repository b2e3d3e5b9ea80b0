"""The checks a command runs before it touches the database or the secrets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app import migrate as migrations
from app.config import ConfigError, get_settings
from app.db import get_engine
from app.errors import AppError


class DatabaseUnreachable(AppError):
    status, title, type_slug = 503, "Database unreachable", "database-unreachable"


class SchemaBehind(AppError):
    status, title, type_slug = 409, "Schema not at the latest revision", "schema-behind"


class SecretKeyRefused(AppError):
    status, title, type_slug = 500, "Secret key refused", "secret-key"


def configured_engine() -> Engine:
    return get_engine(get_settings())


def new_sqlite_file(engine: Engine) -> Path | None:
    """The SQLite file connecting to ``engine`` is about to create, or None (another database,
    or the file exists): a typo in the URL or another working directory otherwise looks like
    lost data."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    path = Path(database)
    return None if path.exists() else path.resolve()


def reachable(engine: Engine) -> Engine:
    """``engine``, after proving the database answers; raises :class:`DatabaseUnreachable`."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        shown = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnreachable(
            f"cannot reach the database at {shown}: {reason}\n"
            "Set SHADOWSPEND_DATABASE_URL to a reachable database "
            "(postgresql+psycopg://user:pass@host:5432/db) or unset it for embedded SQLite."
        ) from None
    return engine


def check_secret_key() -> None:
    """Raises :class:`SecretKeyRefused` for a missing or weak key (or previous key)."""
    try:
        get_settings().resolve_secret_key()
        get_settings().resolve_previous_secret_keys()
    except ConfigError as exc:
        raise SecretKeyRefused(str(exc)) from None


def require_schema(engine: Engine) -> None:
    """An embedded SQLite database is brought to the latest revision; another one behind it
    raises :class:`SchemaBehind`."""
    current = migrations.current_revision(engine)
    if current != migrations.head_revision():
        if engine.url.get_backend_name() == "sqlite":
            migrations.upgrade(engine)
            return
        raise SchemaBehind(
            f"the database schema is at {current or 'nothing'}, not the latest; "
            "run `shadowspend migrate` first"
        )
