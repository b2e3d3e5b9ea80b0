"""What every `shadowspend` command shares: the consoles, the one place a refusal becomes a
message and an exit code, the checks a command runs before it touches the database, and a
graceful Ctrl-C. Light on purpose: ``shadowspend --help`` imports this and Typer alone."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from app.errors import AppError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

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
    """The command group of `shadowspend` (and its sub-groups): help shows flags plainly, and
    a command's refusal (an :class:`~app.errors.AppError` from the typed function it calls)
    is said as ``error: <detail>`` with exit code 1, here and nowhere else."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _plain_flags(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, typer.core.TyperGroup):
            _plain_flags(command.get_params(ctx))
        return command

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AppError as exc:
            raise fail(exc.detail) from None


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def engine_or_exit() -> Engine:
    """The configured engine, after proving the database answers (saying so when an empty
    SQLite file is about to be created)."""
    from app.commands import database

    engine = database.configured_engine()
    created = database.new_sqlite_file(engine)
    if created is not None:
        err.print(
            f"[yellow]note:[/] no database at {created}: creating an empty one "
            "(set SHADOWSPEND_DATABASE_URL to use another)",
            soft_wrap=True,  # the path stays whole, to copy
        )
    return database.reachable(engine)


def check_secret_key() -> None:
    from app.commands import database

    database.check_secret_key()


def require_schema(engine: Engine) -> None:
    from app.commands import database

    database.require_schema(engine)


def ready_engine(*, secrets: bool = False) -> Engine:
    """What most commands start with: the secret key checked (when they need it), the
    database reachable and at the latest schema."""
    if secrets:
        check_secret_key()
    engine = engine_or_exit()
    require_schema(engine)
    return engine


@contextmanager
def graceful_stop(what: str) -> Iterator[Callable[[], bool]]:
    """While the block runs, a first Ctrl-C (or SIGTERM, as a container stop sends) asks the
    work to stop at its next safe point; a second Ctrl-C stops at once. Yields "was a stop
    asked?". Only the main thread can own signal handlers; elsewhere nothing changes."""
    asked = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield asked.is_set
        return

    def on_signal(signum: int, _frame: object) -> None:
        if asked.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        asked.set()
        err.print(f"stopping {what} after the current batch (Ctrl-C again to stop at once)")

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield asked.is_set
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
