"""File imports: a statement file goes through the same pipeline as a sync.

All or nothing: the file is validated whole before a single row is written; a malformed file
is rejected with row- and field-level errors. Re-importing a file adds nothing (each row's
external id is stable).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.config import get_settings
from app.connections import connector as connector_mod
from app.connections import service as connection_service
from app.db import utcnow
from app.departments import service as department_service
from app.errors import AppError, Unprocessable
from app.feeds import rollup
from app.findings import engine as findings_engine
from app.ingest import limits
from app.ingest.service import BadRow, Ingestor, IngestStats
from app.models import Connection, SyncRun, SyncRunStatus
from connectors.files import (
    MAPPING_HELP,
    PRESETS,
    CsvMapping,
    FileFormat,
    FileRejected,
    ParsedFile,
    RowError,
    mapping_data,
    parse_file,
)
from connectors.files.errors import ErrorCollector

log = logging.getLogger("shadowspend.imports")

DEFAULT_CONNECTION = "File imports"
# How often a large import commits (see ``store``).
COMMIT_SECONDS = 0.2
MAPPING_KEY = "csv_mapping"


class ImportStopped(Exception):
    """A large import was asked to stop (Ctrl-C, SIGTERM) and stopped between two batches,
    after committing what it had stored."""

    def __init__(self, stats: IngestStats, rows: int) -> None:
        super().__init__(
            f"stopped on request after {stats.fetched:,} of {rows:,} rows; those are stored, "
            "and importing the file again adds only the rest"
        )
        self.counts = {
            "rows": rows,
            "processed": stats.fetched,
            "inserted": stats.inserted,
            "updated": stats.updated,
            "duplicates": stats.unchanged,
        }


class ImportRejected(AppError):
    """The file was refused whole; ``errors`` lists row- and field-level problems."""

    status, title, type_slug = 422, "File rejected", "file-rejected"

    def __init__(self, exc: FileRejected) -> None:
        errors = [{"row": e.row, "field": e.field, "message": e.message} for e in exc.errors]
        super().__init__(
            f"the file was rejected and nothing was imported: {exc}",
            extra={"errors": errors[:1000], "rejected": len(exc.errors)},
        )
        self.errors = errors


@dataclass
class ImportOptions:
    fmt: FileFormat = FileFormat.AUTO
    filename: str | None = None
    preset: str | None = None
    mapping: dict[str, Any] | None = None
    connection: str | None = None


def mapping_from_json(text: str) -> dict[str, Any]:
    """A CSV column mapping as sent in a form field or on the command line (a JSON object, or
    ``field=column`` pairs where a number is a 1-based position), or a 422 that says its
    shape."""
    try:
        return mapping_data(text)
    except ValueError as exc:
        raise Unprocessable(f"mapping is not valid: {exc}; it is {MAPPING_HELP}") from None


def resolve_connection(session: Session, name: str | None) -> Connection:
    if name is None:
        return connection_service.ensure_file_connection(session, DEFAULT_CONNECTION)
    row = connection_service.by_name(session, name)
    if row is None:
        return connection_service.ensure_file_connection(session, name)
    if row.connector not in connector_mod.FILE_CONNECTORS | {"demo"}:
        raise Unprocessable(
            f"connection {name!r} is a {row.connector} API connection; files go to a file "
            "connection (pick another name to create one)"
        )
    return row


@dataclass(frozen=True)
class Prepared:
    """What validating a file needs from the database, read before the (long) validation so
    no transaction is held open while a large file is checked."""

    mapping: CsvMapping | None
    saved: bool


def prepare(session: Session, opts: ImportOptions) -> Prepared:
    if opts.preset is not None and opts.preset not in PRESETS:
        raise Unprocessable(
            f"unknown preset {opts.preset!r}; expected one of {', '.join(sorted(PRESETS))}"
        )
    existing = connection_service.by_name(session, opts.connection or DEFAULT_CONNECTION)
    if existing is not None and existing.connector not in (
        connector_mod.FILE_CONNECTORS | {"demo"}
    ):
        raise Unprocessable(
            f"connection {existing.name!r} is a {existing.connector} API connection; files go "
            "to a file connection (pick another name to create one)"
        )
    mapping_data = opts.mapping
    saved = False
    if mapping_data is None and opts.preset is None and existing is not None:
        mapping_data = (existing.config or {}).get(MAPPING_KEY)
        saved = mapping_data is not None
    mapping = None
    if mapping_data is not None:
        try:
            mapping = CsvMapping.model_validate(mapping_data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "mapping"
            raise Unprocessable(
                f"the column mapping is not valid ({where}: {first['msg']}); it is {MAPPING_HELP}"
            ) from None
    return Prepared(mapping=mapping, saved=saved)


def validate(
    data: bytes | BinaryIO, opts: ImportOptions, prepared: Prepared, *, storable: bool = False
) -> ParsedFile:
    """Validate the whole file (raises ImportRejected). Touches no database.

    With ``storable`` every row must also be one the database stores as it is
    (:func:`app.ingest.limits.check`: no NUL character, dates in range), read in a pass of
    its own: what an import that commits as it goes needs so as never to stop part-way at
    such a row. An import stored in one transaction skips that pass (it adds about a quarter
    to an import's CPU time): the same row refuses it whole, with the same row and field, when
    it is stored (nothing is committed)."""
    parsed = _parse(data, opts, prepared)
    if storable:
        _refuse_unstorable(parsed)
    return parsed


def _refuse_unstorable(parsed: ParsedFile) -> None:
    # Numbered as the rows are stored (the n-th transaction of the file, as RowError counts
    # them), so the message is the one a refusal while storing gives.
    errors = ErrorCollector()
    for position, raw in enumerate(parsed.rows, start=1):
        try:
            limits.check(raw)
        except limits.RowRefused as refused:
            errors.add(position, refused.field, refused.message)
    try:
        errors.raise_if_any()
    except FileRejected as exc:
        raise ImportRejected(exc) from None


def _parse(data: bytes | BinaryIO, opts: ImportOptions, prepared: Prepared) -> ParsedFile:
    try:
        return parse_file(
            data,
            fmt=opts.fmt,
            filename=opts.filename,
            preset=opts.preset,
            mapping=prepared.mapping,
            default_currency=get_settings().reporting_currency,
        )
    except FileRejected as exc:
        header_problem = all(e.row is None for e in exc.errors)
        if not (prepared.saved and header_problem):
            raise ImportRejected(exc) from None
    # The connection's saved mapping does not fit this file's header: detect afresh.
    if not isinstance(data, bytes):
        data.seek(0)
    try:
        return parse_file(
            data,
            fmt=opts.fmt,
            filename=opts.filename,
            default_currency=get_settings().reporting_currency,
        )
    except FileRejected as again:
        raise ImportRejected(again) from None
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None


def parse(
    session: Session,
    data: bytes | BinaryIO,
    opts: ImportOptions,
    *,
    checkpoint: Callable[[], None] | None = None,
) -> tuple[Connection, ParsedFile]:
    """prepare + validate + the connection (created on first use), in one call: for an import
    that commits as it goes (a background job, the command line), so every row is checked to
    be storable before anything is written.

    ``checkpoint`` (the owner's commit) ends the transaction prepare's reads opened before the
    file is validated: on SQLite every transaction takes the write lock when it begins
    (app.db), so without it other writers would wait out the whole validation."""
    prepared = prepare(session, opts)
    if checkpoint is not None:
        checkpoint()
    try:
        parsed = validate(data, opts, prepared, storable=True)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    return resolve_connection(session, opts.connection), parsed


def _fail_committed_run(
    session: Session, run_id: int, exc: BaseException, checkpoint: Callable[[], None]
) -> None:
    """A large import failed or stopped part-way: its run was committed as running at the
    first commit, so record why rather than leave it running, committed through the owner's
    ``checkpoint`` as every other write of the import is."""
    if not isinstance(exc, Exception):
        # KeyboardInterrupt mid-statement: SQLAlchemy drops the connection, but sqlite3 keeps
        # it (and its write lock) open until the interrupted statement is freed, so a write
        # here would wait out busy_timeout. The run is closed by the heartbeat reaper instead.
        return
    if isinstance(exc, ImportStopped):
        error = str(exc)[:500]
    else:
        error = (
            f"{type(exc).__name__}: {str(exc)[:400]}; the rows committed before stay, and "
            "importing the file again adds only what is missing"
        )
    try:
        session.rollback()
        session.execute(
            update(SyncRun)
            .where(col(SyncRun.id) == run_id, col(SyncRun.status) == SyncRunStatus.RUNNING)
            .values(
                status=SyncRunStatus.FAILED,
                finished_at=utcnow(),
                error=error,
            )
        )
        checkpoint()
    except SQLAlchemyError:
        log.warning("import run %s: could not record its failure", run_id, exc_info=True)


def store(
    session: Session,
    connection: Connection,
    parsed: ParsedFile,
    actor: Principal,
    *,
    filename: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    checkpoint: Callable[[], None] | None = None,
    stop_requested: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Write a validated file. Returns the contract's counts (rows, inserted, duplicates,
    rejected, updated).

    ``checkpoint`` (large files, run in the background or from the CLI: the owner's commit) is
    called about every :data:`COMMIT_SECONDS`, and ``progress`` reported after each, so
    progress counts rows that are stored; without one nothing is committed here and
    ``progress`` is called after every batch. The file was validated whole before: a commit part-way
    through never stores part of a bad file, and a re-run adds only what is missing.

    ``stop_requested`` (with a ``checkpoint``) is asked after every batch; when it says
    yes, what is stored is committed and :class:`ImportStopped` is raised, with the run
    recorded as failed and why."""
    # Built first (it reads departments, people and the classifier's catalog, which takes a
    # while): with a checkpoint, only reading (DEFERRED on SQLite, where app.db otherwise
    # begins every transaction IMMEDIATE, with the write lock), and that read transaction ends
    # before any row is written, so no other writer waits for it.
    if checkpoint is not None and not session.in_transaction():
        session.connection(execution_options={"sqlite_begin": "DEFERRED"})
    ingestor = Ingestor(
        session,
        connection,
        actor=actor,
        create_departments=department_service.may_create(actor),
    )
    if checkpoint is not None:
        checkpoint()
    run = SyncRun(connection_id=connection.id or 0, trigger="import", heartbeat_at=utcnow())
    session.add(run)
    session.flush()

    last_commit = time.monotonic()

    def on_batch(stats: IngestStats) -> None:
        nonlocal last_commit
        if checkpoint is not None:
            # Each commit writes every index page the rows since the last one touched (the
            # UNIQUE (connection_id, external_id) and date-led indexes take rows in random
            # places), so committing every batch writes far more than once in a while; but on
            # SQLite the transaction holds the write lock, so "a while" is short enough that
            # another writer waits well under a second (bench/bench_write_wait.py).
            stopping = stop_requested is not None and stop_requested()
            if not stopping and time.monotonic() - last_commit < COMMIT_SECONDS:
                return
            # The run's history shows how far it got, and that it is alive (see
            # app.jobs.runner.reap_stale).
            run.heartbeat_at = utcnow()
            run.fetched, run.inserted, run.updated = stats.fetched, stats.inserted, stats.updated
            session.add(run)
            checkpoint()
            last_commit = time.monotonic()
            if stopping:
                raise ImportStopped(stats, parsed.row_count)
        if progress is not None:
            # After the commit: a progress writer on another connection (the job's) would
            # wait for this transaction's write lock on SQLite.
            progress(stats.fetched, parsed.row_count)

    try:
        try:
            result = ingestor.ingest(parsed.rows, on_batch=on_batch)
        except BadRow as bad:
            if checkpoint is None:  # nothing is committed: the file is refused whole
                rejected = FileRejected([RowError(bad.position, bad.field, bad.message)])
                raise ImportRejected(rejected) from None
            # A large import stored the rows before it (see _fail_committed_run).
            raise Unprocessable(
                f"{bad}; the rows before it are stored, and importing the file again (once "
                "that row is fixed) adds only what is missing"
            ) from None
        findings = findings_engine.refresh(
            session, result.vendor_ids, candidates=result.candidate_names
        )
    except BaseException as exc:
        if checkpoint is not None and run.id is not None:
            _fail_committed_run(session, run.id, exc, checkpoint)
        raise
    if parsed.mapping is not None and parsed.preset is None:
        connection.config = {
            **(connection.config or {}),
            MAPPING_KEY: parsed.mapping.model_dump(mode="json"),
        }
    connection.last_sync_at = utcnow()
    connection.status = "ok"
    session.add(connection)
    run.status = SyncRunStatus.SUCCEEDED
    run.finished_at = utcnow()
    run.fetched = result.fetched
    run.inserted = result.inserted
    run.updated = result.updated
    session.add(run)
    summary = {
        "rows": parsed.row_count,
        "inserted": result.inserted,
        "updated": result.updated,
        "duplicates": result.unchanged,
        "rejected": 0,
        # Listed in the file but not booked (declined, reverted, pending...): not imported.
        "skipped": parsed.skipped,
        "format": parsed.format.value,
        "preset": parsed.preset,
        "connection": connection.name,
        "connection_id": connection.id,
        "sync_run_id": run.id,
        "findings_created": len(findings.created),
        "findings_updated": findings.updated,
        "departments_created": ingestor.departments_created,
        # Named in the file but not created (the caller may not): their rows have none.
        "unknown_departments": sorted(ingestor.unknown_departments),
        # What the file said that was set aside or did not add up, though no row was in doubt.
        "warnings": [str(w) for w in parsed.warnings[:100]],
    }
    audit_service.record(
        session,
        actor,
        "import.completed",
        "connection",
        connection.id,
        after={**summary, "filename": filename},
    )
    return summary


def run_import(
    session: Session,
    data: BinaryIO,
    opts: ImportOptions,
    actor: Principal,
    *,
    checkpoint: Callable[[], None],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """A whole background import: validate, store (committing through ``checkpoint``, the
    job's commit, as it goes), fold the rows into the feeds. A rejected file raises
    :class:`ImportRejected`, whose errors the job keeps in its result."""
    connection, parsed = parse(session, data, opts, checkpoint=checkpoint)
    checkpoint()  # the connection, created on first use
    summary = store(
        session,
        connection,
        parsed,
        actor,
        filename=opts.filename,
        progress=progress,
        checkpoint=checkpoint,
    )
    rollup.ensure_fresh(session, checkpoint)  # the import, then its sums for the feeds
    return summary
