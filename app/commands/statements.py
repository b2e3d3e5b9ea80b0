"""`shadowspend import` and `shadowspend classify`: statement files in, rows or answers out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

import classifiers
from app import csvsafe
from app.auth.principal import SYSTEM
from app.classification import wording as source_wording
from app.errors import Unprocessable
from app.feeds import rollup
from app.imports import service as import_service
from connectors.files import MAPPING_HELP, FileFormat, mapping_data

Progress = Callable[[int, int], None]  # (done, total)


def file_format(name: str) -> FileFormat:
    try:
        return FileFormat(name)
    except ValueError:
        raise Unprocessable(
            f"unknown format {name!r}; expected one of {', '.join(f.value for f in FileFormat)}"
        ) from None


def read_mapping(value: str | None) -> dict[str, Any] | None:
    """A CSV column mapping from ``--mapping``: the JSON file it names, or the mapping itself
    written inline (``field=column`` pairs, numbers being 1-based positions, or a JSON object);
    None without one."""
    if value is None:
        return None
    path = Path(value)
    if path.is_file():
        text = path.read_text()
    elif "=" in value or value.lstrip().startswith("{"):
        text = value
    else:
        raise Unprocessable(
            f"--mapping {value}: no such file, and not field=column pairs; "
            f"a mapping is {MAPPING_HELP}"
        )
    try:
        return mapping_data(text)
    except ValueError as exc:
        raise Unprocessable(f"--mapping {value}: {exc}; a mapping is {MAPPING_HELP}") from None


@dataclass(frozen=True, kw_only=True, slots=True)
class ImportRequest:
    file: Path
    format: str = "auto"
    preset: str | None = None
    connection: str | None = None
    mapping: str | None = None


def import_file(
    engine: Engine,
    request: ImportRequest,
    *,
    progress: Progress | None = None,
    stop_requested: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """Import a statement file: validated whole, then stored (committing as it goes) and
    folded into the feeds. Returns the contract's counts; a rejected file raises
    :class:`~app.imports.service.ImportRejected` (or another AppError) with nothing stored;
    a stop asked for raises :class:`~app.imports.service.ImportStopped` after committing
    what was stored (and folding it into the feeds)."""
    opts = import_service.ImportOptions(
        fmt=file_format(request.format),
        filename=request.file.name,
        preset=request.preset,
        mapping=read_mapping(request.mapping),
        connection=request.connection,
    )
    with Session(engine, expire_on_commit=False) as session, request.file.open("rb") as fh:
        try:
            conn, parsed = import_service.parse(session, fh, opts, checkpoint=session.commit)
            summary = import_service.store(
                session,
                conn,
                parsed,
                SYSTEM,
                filename=request.file.name,
                progress=progress,
                checkpoint=session.commit,
                stop_requested=stop_requested,
            )
            session.commit()
            rollup.ensure_fresh(session, session.commit)
        except import_service.ImportStopped:
            rollup.ensure_fresh(session, session.commit)  # what was stored counts in the feeds
            raise
        except BaseException:
            session.rollback()
            raise
    return summary


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (lines after the header), for a progress bar."""
    with path.open("rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


def classify_csv(
    in_csv: Path,
    output: Path,
    *,
    wording: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recognise the vendor behind every descriptor of ``in_csv`` into ``output`` (the
    contract's columns), offline; how many rows. Input cells are copied to the output
    neutralised (app.csvsafe), so a formula planted in a descriptor is shown, not run, by
    whoever opens the result. Raises Unprocessable for a file it cannot read."""
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
        count = classifiers.classify_csv(in_csv, partial, progress=progress, boilerplate=learned)
        csvsafe.copy_neutralised(partial, output)
    except classifiers.MissingColumnError as exc:
        raise Unprocessable(str(exc)) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise Unprocessable(f"cannot read {in_csv}: {exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return count
