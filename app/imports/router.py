from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field

from app.api.deps import SessionDep
from app.api.uploads import Upload, multipart_openapi, multipart_upload
from app.auth.permissions import Perm
from app.errors import Unprocessable
from app.feeds import rollup
from app.imports import service
from app.imports.service import ImportOptions
from app.jobs import runner as job_runner
from app.models import JobPublic
from connectors.files import FileFormat

router = APIRouter(prefix="/imports", tags=["imports"])
MAX_BYTES = 50 * 1024 * 1024
# Files with more rows than this are stored in the background; poll GET /jobs/{id}.
BACKGROUND_ROWS = 20_000


class ImportResult(BaseModel):
    rows: int
    inserted: int
    updated: int
    duplicates: int
    rejected: int
    format: str
    preset: str | None
    connection: str
    connection_id: int | None
    sync_run_id: int | None
    findings_created: int = 0
    findings_updated: int = 0
    departments_created: list[str] = Field(
        default_factory=list, description="Departments the file named that were created"
    )
    unknown_departments: list[str] = Field(
        default_factory=list,
        description="Departments the file named that do not exist and were not created (only "
        "an admin's import creates them): their rows were imported without a department",
    )


class ImportAccepted(BaseModel):
    rows: int
    job: JobPublic


class ImportForm(BaseModel):
    format: FileFormat = FileFormat.AUTO
    preset: str | None = Field(
        default=None, description="amex, chase, generic_bank, ramp, brex, expensify"
    )
    connection: str | None = Field(
        default=None, max_length=120, description="File connection name (created if new)"
    )
    mapping: str | None = Field(
        default=None, description="JSON column mapping for other CSVs (saved for next time)"
    )


_read_import = multipart_upload(
    Perm.IMPORTS_WRITE,
    max_bytes=MAX_BYTES,
    too_large="the file is larger than 50 MB",
    fields=ImportForm,
)


@router.post(
    "",
    response_model=ImportResult | ImportAccepted,
    responses={202: {"model": ImportAccepted, "description": "Stored in the background"}},
    openapi_extra=multipart_openapi(
        ImportForm, file_description="CSV, OFX/QFX, CAMT.053, BAI2, MT940 or QIF; up to 50 MB"
    ),
)
def import_file(
    session: SessionDep,
    response: Response,
    upload: Annotated[Upload[ImportForm], Depends(_read_import)],
) -> Any:
    """Import a statement file. The whole file is validated first: any bad row rejects it
    with row- and field-level `errors` (422) and nothing is written. Re-importing a file adds
    nothing (`duplicates`). Files over 20,000 rows are stored in the background: the answer
    is 202 with a job to poll."""
    principal, data, form = upload.principal, upload.data, upload.fields
    mapping_data = None
    if form.mapping:
        try:
            mapping_data = json.loads(form.mapping)
        except json.JSONDecodeError as exc:
            raise Unprocessable(f"mapping is not valid JSON: {exc.msg}") from None
        if not isinstance(mapping_data, dict):
            raise Unprocessable("mapping must be a JSON object")
    opts = ImportOptions(
        fmt=form.format,
        filename=upload.filename,
        preset=form.preset,
        mapping=mapping_data,
        connection=form.connection,
    )
    prepared = service.prepare(session, opts)
    session.rollback()  # hold no transaction (nor SQLite's write lock) while validating
    try:
        parsed = service.validate(data, opts, prepared)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    conn = service.resolve_connection(session, opts.connection)
    if parsed.row_count <= BACKGROUND_ROWS:
        summary = service.store(session, conn, parsed, principal, filename=upload.filename)
        session.commit()
        return ImportResult(**summary)

    session.commit()  # the connection, so the job can find it
    job = job_runner.create(
        session,
        "import",
        params={"filename": upload.filename, "rows": parsed.row_count},
        key_id=principal.key_id,
    )
    session.commit()
    connection_id = conn.id

    def run(job_session: Any, report: job_runner.Reporter) -> dict[str, Any]:
        from app.models import Connection

        target = job_session.get(Connection, connection_id)
        _, reparsed = service.parse(job_session, data, opts)
        summary = service.store(
            job_session,
            target,
            reparsed,
            principal,
            filename=upload.filename,
            progress=lambda done, total: report(done, total),
            commit_as_it_goes=True,
        )
        rollup.ensure_fresh(job_session)  # commits the import, then sums it for the feeds
        return summary

    assert job.id is not None
    job_runner.runner.submit(job.id, run)
    session.refresh(job)
    response.status_code = status.HTTP_202_ACCEPTED
    return ImportAccepted(rows=parsed.row_count, job=JobPublic.model_validate(job))
