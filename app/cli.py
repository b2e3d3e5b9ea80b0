"""The `shadowspend` command line (Typer + Rich)."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from cryptography.fernet import Fernet
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlmodel import Session

import classifiers
from app import csvsafe
from app import migrate as migrations
from app import scheduler as scheduler_mod
from app.api_keys import service as api_keys_service
from app.auth import service as auth_service
from app.auth.principal import SYSTEM
from app.classification import wording as source_wording
from app.classification.service import sync_builtin_catalog
from app.cli_connections import connections_cli
from app.cli_support import PlainFlagsGroup, err, out
from app.cli_support import check_secret_key as _check_secret_key
from app.cli_support import engine_or_exit as _engine_or_exit
from app.cli_support import fail as _fail
from app.cli_support import require_schema as _require_schema
from app.config import ConfigError, get_settings
from app.connections import service as connection_service
from app.connections import sync as sync_mod
from app.db import unit_of_work
from app.demo import loader
from app.departments import service as department_service
from app.errors import AppError
from app.feeds import rollup
from app.findings import engine as findings_engine
from app.findings import reclassify as reclassify_service
from app.imports import service as import_service
from app.models import Connection, Role
from connectors.files import FileFormat
from connectors.files.csv_import import MAPPING_HELP
from connectors.files.errors import describe_error

cli = typer.Typer(
    name="shadowspend",
    help="Shadow-IT spend discovery: recognise the software behind card spend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PlainFlagsGroup,
)


@cli.command()
def migrate(
    revision: Annotated[str, typer.Option(help="Target revision")] = "head",
) -> None:
    """Bring the configured database to the latest schema revision."""
    engine = _engine_or_exit()
    before = migrations.current_revision(engine)
    migrations.upgrade(engine, revision)
    after = migrations.current_revision(engine)
    out.print(f"database at revision {after} (was {before or 'empty'})")
    if after == migrations.head_revision():
        with Session(engine) as session:
            result = sync_builtin_catalog(session)
            session.commit()
            # Findings stored before their reasons were data are re-read under today's model.
            reread = findings_engine.reread_legacy(session)
            session.commit()
        out.print(
            f"catalog: {result.inserted} vendors added, {result.updated} refreshed, "
            f"{result.kept_edited} kept as edited by you"
        )
        if reread:
            out.print("findings: re-read under the current severity model")


@cli.command("create-api-key")
def create_api_key(
    role: Annotated[str, typer.Option(help="admin, it, marketing, finance or viewer")],
    name: Annotated[str, typer.Option(help="Who or what the key is for")],
    department: Annotated[
        str | None, typer.Option(help="Scope the key to this department (by name)")
    ] = None,
    all_departments: Annotated[
        bool,
        typer.Option(
            "--all-departments",
            help="A marketing key for every department (otherwise it needs --department)",
        ),
    ] = False,
    keep_in: Annotated[
        Path | None,
        typer.Option(
            help="Reuse the key saved in this file while it still works with this role and "
            "scope; otherwise create one and save it there, readable by you alone",
        ),
    ] = None,
) -> None:
    """Create an API key. The key is printed once, alone on the last line. A marketing key
    needs --department (it then sees and registers for that department only), or
    --all-departments to see every department on purpose."""
    if role not in {r.value for r in Role}:
        raise _fail(f"unknown role {role!r}; expected one of {', '.join(r.value for r in Role)}")
    if department and all_departments:
        raise _fail("give --department or --all-departments, not both")
    if role == Role.MARKETING and not department and not all_departments:
        # A business team's key silently seeing every department was a surprise: ask.
        raise _fail(
            "a marketing key is for one department: give --department NAME "
            "(or --all-departments for a key that sees every department)"
        )
    engine = _engine_or_exit()
    _require_schema(engine)
    with unit_of_work(engine) as session:
        department_id = None
        if department:
            dept = department_service.by_name(session, department)
            if dept is None:
                raise _fail(f"no department named {department!r}")
            department_id = dept.id
        kept = _kept_key(session, keep_in, role, department_id)
        if kept is not None:
            err.print(f"reusing the {role} key saved in {keep_in}")
            print(kept)
            return
        try:
            row, clear = api_keys_service.create_key(
                session, name=name, role=role, department_id=department_id
            )
        except AppError as exc:
            raise _fail(exc.detail) from None
    scope = f" scoped to {department}" if department else ""
    err.print(f"created {role} key #{row.id} {name!r}{scope}; it is shown only once:")
    if keep_in is not None:
        keep_in.parent.mkdir(parents=True, exist_ok=True)
        # Created owner-only before the key is written: never readable by others, even briefly.
        fd = os.open(keep_in, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(clear + "\n")
    print(clear)


def _kept_key(
    session: Session, path: Path | None, role: str, department_id: int | None
) -> str | None:
    """The key saved in ``path`` when it still authenticates with this role and scope."""
    if path is None or not path.is_file():
        return None
    saved = path.read_text(encoding="utf-8").strip()
    try:
        principal = auth_service.authenticate(session, saved)
    except AppError:
        return None  # revoked, or from another database: a new one replaces it
    if principal.role.value != role or principal.department_id != department_id:
        return None
    return saved


@cli.command("generate-secret-key")
def generate_secret_key() -> None:
    """Print a new key for SHADOWSPEND_SECRET_KEY (the keys for connector secrets, sessions
    and CSRF derive from it)."""
    print(Fernet.generate_key().decode())


@cli.command("rotate-secrets")
def rotate_secrets() -> None:
    """Re-encrypt every stored connector secret under SHADOWSPEND_SECRET_KEY (after a key
    change, with the old key in SHADOWSPEND_PREVIOUS_SECRET_KEYS until this has run)."""
    _check_secret_key()
    engine = _engine_or_exit()
    _require_schema(engine)
    with unit_of_work(engine) as session:
        count = connection_service.reencrypt_all(session)
    out.print(f"{count} connections' secrets re-encrypted under the current key")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API and dashboard (an embedded SQLite database is migrated first)."""
    _check_secret_key()
    engine = _engine_or_exit()
    settings = get_settings()
    if settings.is_sqlite:
        migrations.upgrade(engine)
    else:
        _require_schema(engine)
    if workers > 1 and settings.scheduler_mode == "embedded":
        # Each worker would start its own scheduler; leases make that safe but wasteful.
        os.environ["SHADOWSPEND_EMBED_SCHEDULER"] = "0"
        err.print(
            "note: with several workers run the scheduler as its own process: "
            "`shadowspend scheduler`"
        )
    out.print(f"shadowspend serving on http://{host}:{port}  (API docs: /docs)")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


@cli.command()
def demo(
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same company")] = 7,
    scale: Annotated[float, typer.Option(help="Multiply the transaction volume")] = 1.0,
    reset: Annotated[bool, typer.Option(help="Delete existing demo data first")] = False,
    if_empty: Annotated[
        bool, typer.Option(help="Do nothing (exit 0) when the demo is already loaded")
    ] = False,
) -> None:
    """Load the demo company (departments, cardholders, a year of card spend)."""
    engine = _engine_or_exit()
    _require_schema(engine)
    try:
        summary = loader.load_demo(
            engine, seed=seed, scale=scale, reset=reset, if_empty=if_empty, console=err
        )
    except (loader.DemoAlreadyLoaded, loader.DatabaseHasOwnData) as exc:
        raise _fail(str(exc)) from None
    out.print_json(json.dumps(summary))


@cli.command()
def classify(
    in_csv: Annotated[Path, typer.Argument(help="CSV with a `descriptor` column", exists=True)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the result CSV")],
    wording: Annotated[
        bool,
        typer.Option(
            help="Read the rows as one source's, as `import` does: words the file repeats on "
            "most descriptors (its bank's wording) are set aside (files of 50 rows or more)"
        ),
    ] = True,
) -> None:
    """Recognise the vendor behind every descriptor of a CSV, offline, on the built-in catalog.

    OUT repeats every input column and adds vendor, vendor_id, category, is_software,
    confidence and matched_by. Optional input columns: mcc, amount, currency, memo."""
    with in_csv.open("rb") as fh:
        total = max(sum(1 for _ in fh) - 1, 0)
    with Progress(
        TextColumn("classifying"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("classify", total=total)
        # Input cells are copied to the output: written neutralised (app.csvsafe), so a
        # formula planted in a descriptor is shown, not run, by whoever opens the result.
        partial = output.with_name(output.name + ".partial")
        try:
            learned = (
                source_wording.learn_from(
                    classifiers.read_descriptors(in_csv, source_wording.SAMPLE),
                    classifiers.Catalog.builtin(),
                )
                if wording
                else frozenset()
            )
            count = classifiers.classify_csv(
                in_csv,
                partial,
                progress=lambda n: progress.update(task, completed=n),
                boilerplate=learned,
            )
            csvsafe.copy_neutralised(partial, output)
        except classifiers.MissingColumnError as exc:
            raise _fail(str(exc)) from None
        except (UnicodeDecodeError, ValueError) as exc:
            raise _fail(f"cannot read {in_csv}: {exc}") from None
        finally:
            partial.unlink(missing_ok=True)
    err.print(f"classified {count} rows -> {output}")


@contextmanager
def _graceful_stop(what: str) -> Iterator[Callable[[], bool]]:
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


@cli.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="Statement file", exists=True, dir_okay=False)],
    format: Annotated[
        str, typer.Option("--format", help="auto, csv, ofx, camt053, bai2, mt940, qif")
    ] = "auto",
    preset: Annotated[
        str | None,
        typer.Option(help="CSV preset: amex, chase, generic_bank, ramp, brex, expensify"),
    ] = None,
    connection: Annotated[
        str | None, typer.Option(help="File connection to import into (created if new)")
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="JSON file with a CSV column mapping: " + MAPPING_HELP.split("; pass it")[0],
            exists=True,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Import a statement file: validated whole, then stored and classified. Exits non-zero
    when the file is rejected; re-importing the same file adds nothing."""
    try:
        fmt = FileFormat(format)
    except ValueError:
        raise _fail(
            f"unknown format {format!r}; expected one of {', '.join(f.value for f in FileFormat)}"
        ) from None
    try:
        mapping_data = json.loads(mapping.read_text()) if mapping else None
    except json.JSONDecodeError as exc:
        where = f"{exc.msg}, line {exc.lineno}"
        raise _fail(f"{mapping} is not JSON ({where}); a mapping is {MAPPING_HELP}") from None
    engine = _engine_or_exit()
    _require_schema(engine)
    opts = import_service.ImportOptions(
        fmt=fmt, filename=file.name, preset=preset, mapping=mapping_data, connection=connection
    )
    with Session(engine, expire_on_commit=False) as session, file.open("rb") as fh:
        try:
            conn, parsed = import_service.parse(session, fh, opts, checkpoint=session.commit)
            with (
                Progress(
                    TextColumn("importing"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    console=err,
                    transient=True,
                    disable=as_json and not err.is_terminal,
                ) as progress,
                _graceful_stop("the import") as stop_requested,
            ):
                task = progress.add_task("import", total=parsed.row_count)
                summary = import_service.store(
                    session,
                    conn,
                    parsed,
                    SYSTEM,
                    filename=file.name,
                    progress=lambda done, _total: progress.update(task, completed=done),
                    checkpoint=session.commit,
                    stop_requested=stop_requested,
                )
            session.commit()
            rollup.ensure_fresh(session, session.commit)
        except import_service.ImportStopped as stopped:
            rollup.ensure_fresh(session, session.commit)  # what was stored counts in the feeds
            if as_json:
                print(json.dumps({**stopped.counts, "rejected": 0, "error": str(stopped)}))
            else:
                err.print(f"[red]{stopped}[/red]")
            raise typer.Exit(130) from None
        except AppError as exc:
            session.rollback()
            errors = exc.extra.get("errors", [])
            if as_json:
                print(
                    json.dumps(
                        {
                            "rows": 0,
                            "inserted": 0,
                            "duplicates": 0,
                            "rejected": exc.extra.get("rejected", len(errors) or 1),
                            "error": exc.detail,
                            "errors": errors,
                        }
                    )
                )
                raise typer.Exit(1) from None
            if not errors:
                raise _fail(exc.detail) from None
            shown = errors[:20]
            err.print(
                f"[bold red]error:[/] the file was rejected and nothing was imported "
                f"({len(errors)} problem{'s' if len(errors) != 1 else ''}):",
                highlight=False,
            )
            for e in shown:
                line = describe_error(e.get("row"), e.get("field"), str(e.get("message")))
                err.print(f"  {line}", markup=False, highlight=False)
            if len(errors) > len(shown):
                err.print(f"  ... and {len(errors) - len(shown)} more (--json lists them all)")
            raise typer.Exit(1) from None
    if as_json:
        print(json.dumps(summary))
    else:
        out.print(
            f"{summary['rows']} rows: {summary['inserted']} inserted, {summary['updated']} "
            f"updated, {summary['duplicates']} already there ({summary['format']}"
            f"{', preset ' + summary['preset'] if summary['preset'] else ''}) "
            f"-> connection {summary['connection']!r}"
        )
        for warning in summary.get("warnings", []):
            err.print(f"  note: {warning}", markup=False, highlight=False)


@cli.command()
def reclassify() -> None:
    """Re-run recognition over every stored transaction (after a catalog or rule change)."""
    engine = _engine_or_exit()
    _require_schema(engine)
    with (
        unit_of_work(engine) as session,
        Progress(
            TextColumn("re-classifying"), BarColumn(), MofNCompleteColumn(), console=err
        ) as progress,
    ):
        task = progress.add_task("reclassify", total=None)
        result = reclassify_service.reclassify(
            session, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    out.print(f"scanned {result.scanned}, changed {result.changed}")


@cli.command()
def scheduler(
    interval: Annotated[int, typer.Option(help="Seconds between looks for due syncs")] = 60,
) -> None:
    """Run the sync scheduler as its own process (when the API runs several workers).
    A second scheduler is harmless: per-connection leases keep runs apart."""
    _check_secret_key()
    engine = _engine_or_exit()
    _require_schema(engine)
    err.print(f"scheduler: checking for due syncs every {interval}s")
    scheduler_mod.run_forever(interval)


@cli.command("sync")
def sync_connection(
    connection: Annotated[str, typer.Argument(help="Connection name or id")],
) -> None:
    """Sync one API connection now and print the run's counts."""
    _check_secret_key()
    engine = _engine_or_exit()
    _require_schema(engine)
    with Session(engine) as session:
        row = connection_service.by_name(session, connection)
        if row is None and connection.isdigit():
            row = session.get(Connection, int(connection))
        if row is None or row.id is None:
            raise _fail(f"no connection named {connection!r}")
        connection_id = row.id
    try:
        outcome = sync_mod.run_sync(engine, connection_id, trigger="manual")
    except sync_mod.LeaseHeld as exc:
        raise _fail(str(exc)) from None
    print(json.dumps(outcome.__dict__))
    if outcome.status != "succeeded":
        raise typer.Exit(1)


cli.add_typer(connections_cli, name="connections")


def main() -> None:
    try:
        cli()
    except ConfigError as exc:
        err.print(f"[bold red]configuration error:[/] {exc}")
        sys.exit(2)


if __name__ == "__main__":
    main()
