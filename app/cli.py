"""The `shadowspend` command line (Typer + Rich).

Each command parses its options, calls one typed function of ``app.commands`` and prints
what it returns; a refusal (an AppError) becomes ``error: ...`` and exit code 1 in one place
(:class:`app.cli_support.PlainFlagsGroup`). The typed functions' modules are imported when
their command runs: they load the database, the catalog and the connectors, which
``shadowspend --help`` needs none of."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from app.cli_connections import connections_cli
from app.cli_support import (
    PlainFlagsGroup,
    engine_or_exit,
    err,
    fail,
    graceful_stop,
    out,
    ready_engine,
)
from app.config import ConfigError
from app.errors import AppError
from connectors.files.csv_headerless import POSITION_PAIRS
from connectors.files.csv_import import MAPPING_HELP

cli = typer.Typer(
    name="shadowspend",
    help="Shadow-IT spend discovery: recognise the software behind card spend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=PlainFlagsGroup,
)


def _bar(label: str, *, disable: bool = False, transient: bool = True) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=transient,
        disable=disable,
    )


@contextmanager
def _bar_on_first_report(label: str, *, disable: bool) -> Iterator[Callable[[int, int], None]]:
    """A progress bar that appears with the first report of (done, total): a file refused
    while it is read shows none."""
    progress = _bar(label, disable=disable)
    task: TaskID | None = None

    def report(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            progress.start()
            task = progress.add_task(label, total=total)
        progress.update(task, completed=done, total=total)

    try:
        yield report
    finally:
        if task is not None:  # a bar never shown is not stopped (that prints a blank line)
            progress.stop()


@cli.command()
def migrate(
    revision: Annotated[str, typer.Option(help="Target revision")] = "head",
) -> None:
    """Bring the configured database to the latest schema revision."""
    from app.commands import schema

    done = schema.migrate(engine_or_exit(), revision)
    out.print(f"database at revision {done.after} (was {done.before or 'empty'})")
    if done.at_head:
        out.print(
            f"catalog: {done.vendors_added} vendors added, {done.vendors_refreshed} refreshed, "
            f"{done.vendors_kept_as_edited} kept as edited by you"
        )
        if done.findings_reread:
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
    from app.commands import keys

    keys.check_key_request(role, department, all_departments)
    made = keys.create_api_key(
        ready_engine(),
        role=role,
        name=name,
        department=department,
        all_departments=all_departments,
        keep_in=keep_in,
    )
    if made.reused:
        err.print(f"reusing the {role} key saved in {keep_in}")
    else:
        scope = f" scoped to {department}" if department else ""
        err.print(f"created {role} key #{made.key_id} {name!r}{scope}; it is shown only once:")
    print(made.clear)


@cli.command("generate-secret-key")
def generate_secret_key() -> None:
    """Print a new key for SHADOWSPEND_SECRET_KEY (the keys for connector secrets, sessions
    and CSRF derive from it)."""
    from app.commands import keys

    print(keys.new_secret_key())


@cli.command("rotate-secrets")
def rotate_secrets() -> None:
    """Re-encrypt every stored connector secret under SHADOWSPEND_SECRET_KEY (after a key
    change, with the old key in SHADOWSPEND_PREVIOUS_SECRET_KEYS until this has run)."""
    from app.commands import keys

    count = keys.rotate_secrets(ready_engine(secrets=True))
    out.print(f"{count} connections' secrets re-encrypted under the current key")


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
) -> None:
    """Serve the API and dashboard (an embedded SQLite database is migrated first)."""
    import uvicorn

    from app.config import get_settings

    ready_engine(secrets=True)  # an embedded SQLite database is migrated on the way
    settings = get_settings()
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
    from app.demo import loader

    summary = loader.load_demo(
        ready_engine(), seed=seed, scale=scale, reset=reset, if_empty=if_empty, console=err
    )
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
    from app.commands import statements

    total = statements.count_rows(in_csv)
    with _bar("classifying") as progress:
        task = progress.add_task("classify", total=total)
        try:
            count = statements.classify_csv(
                in_csv,
                output,
                wording=wording,
                progress=lambda n: progress.update(task, completed=n),
            )
        except AppError as exc:  # said while the bar is still up, as before
            raise fail(exc.detail) from None
    err.print(f"classified {count} rows -> {output}")


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
        str | None,
        typer.Option(
            help="CSV column mapping: a JSON file, or inline field=column pairs such as "
            f"'{POSITION_PAIRS}' (numbers are 1-based positions: a file with no header "
            "row). A mapping is " + MAPPING_HELP.split("; pass it")[0],
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Import a statement file: validated whole, then stored and classified. Exits non-zero
    when the file is rejected; re-importing the same file adds nothing."""
    from app.commands import statements
    from app.imports.service import ImportStopped

    statements.file_format(format)  # refused before the database is opened
    statements.read_mapping(mapping)
    request = statements.ImportRequest(
        file=file, format=format, preset=preset, connection=connection, mapping=mapping
    )
    engine = ready_engine()
    try:
        with (
            _bar_on_first_report("importing", disable=as_json and not err.is_terminal) as report,
            graceful_stop("the import") as stop_requested,
        ):
            summary = statements.import_file(
                engine, request, progress=report, stop_requested=stop_requested
            )
    except ImportStopped as stopped:
        if as_json:
            print(json.dumps({**stopped.counts, "rejected": 0, "error": str(stopped)}))
        else:
            err.print(f"[red]{stopped}[/red]")
        raise typer.Exit(130) from None
    except AppError as exc:
        _say_rejected(exc, as_json=as_json)
    if as_json:
        print(json.dumps(summary))
        return
    out.print(
        f"{summary['rows']} rows: {summary['inserted']} inserted, {summary['updated']} "
        f"updated, {summary['duplicates']} already there"
        f"{', ' + str(summary['skipped']) + ' not booked' if summary.get('skipped') else ''}"
        f" ({summary['format']}"
        f"{', preset ' + summary['preset'] if summary['preset'] else ''}) "
        f"-> connection {summary['connection']!r}"
    )
    for warning in summary.get("warnings", []):
        err.print(f"  note: {warning}", markup=False, highlight=False)


def _say_rejected(exc: AppError, *, as_json: bool) -> NoReturn:
    """A refused import, said as the contract asks (one JSON object with --json), then exit 1."""
    from connectors.files.errors import describe_error

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
        raise fail(exc.detail) from None
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


@cli.command()
def reclassify() -> None:
    """Re-run recognition over every stored transaction (after a catalog or rule change)."""
    from app.commands import jobs

    engine = ready_engine()
    with _bar("re-classifying", transient=False) as progress:
        task = progress.add_task("reclassify", total=None)
        result = jobs.reclassify(
            engine, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    out.print(f"scanned {result.scanned}, changed {result.changed}")


@cli.command()
def scheduler(
    interval: Annotated[int, typer.Option(help="Seconds between looks for due syncs")] = 60,
) -> None:
    """Run the sync scheduler as its own process (when the API runs several workers).
    A second scheduler is harmless: per-connection leases keep runs apart."""
    from app.commands import jobs

    ready_engine(secrets=True)
    err.print(f"scheduler: checking for due syncs every {interval}s")
    jobs.run_scheduler(interval)


@cli.command("sync")
def sync_connection(
    connection: Annotated[str, typer.Argument(help="Connection name or id")],
) -> None:
    """Sync one API connection now and print the run's counts."""
    from app.commands import jobs

    outcome = jobs.sync_now(ready_engine(secrets=True), connection)
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
