from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import BaseModel, Field

from app.api.deps import SessionDep
from app.api.uploads import Upload, multipart_openapi, multipart_upload
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.errors import Unprocessable
from app.imports import background, service, uploads
from app.imports.service import ImportOptions
from app.models import JobPublic
from connectors.files import MAPPING_HELP, FileFormat

router = APIRouter(prefix="/imports", tags=["imports"])
MAX_BYTES = 50 * 1024 * 1024
# Files with more rows than this are stored in the background; poll GET /jobs/{id}.
BACKGROUND_ROWS = 20_000
# Files larger than this are validated in the background too: the request answers at once.
BACKGROUND_BYTES = 4 * 1024 * 1024


class ImportResult(BaseModel):
    rows: int
    inserted: int
    updated: int
    duplicates: int
    rejected: int
    skipped: int = Field(
        default=0,
        description="Rows the file lists whose status says they are not booked (declined, "
        "failed, reverted, cancelled or pending): not imported; the first are in warnings",
    )
    format: str
    preset: str | None
    connection: str
    connection_id: int | None
    sync_run_id: int | None
    findings_created: int = 0
    findings_updated: int = 0
    warnings: list[str] = Field(
        default_factory=list,
        description="What the file said that was set aside (a balance that does not add up, "
        "an empty balance), though no transaction was in doubt",
    )
    departments_created: list[str] = Field(
        default_factory=list, description="Departments the file named that were created"
    )
    unknown_departments: list[str] = Field(
        default_factory=list,
        description="Departments the file named that do not exist and were not created (only "
        "an admin's import creates them): their rows were imported without a department",
    )


class ImportAccepted(BaseModel):
    rows: int | None = Field(
        description="Rows in the file, when counted before answering; else the job counts them"
    )
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
        default=None,
        description="Column mapping for other CSVs, as JSON or field=column pairs (saved for "
        f"next time): {MAPPING_HELP}",
    )


# The key is checked before the body is read, and the body is capped while it streams in.
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
    request_upload: Annotated[Upload[ImportForm], Depends(_read_import)],
) -> Any:
    """Import a statement file. The whole file is validated first: any bad row rejects it
    with row- and field-level `errors` (422) and nothing is written. Re-importing a file adds
    nothing (`duplicates`). A file over 4 MB, or over 20,000 rows, is validated and stored in
    the background: the answer is 202 at once with a job to poll (`GET /jobs/{id}`), which
    ends `succeeded` with the counts or `failed` with the reason (and, for a rejected file,
    its `errors` in `result`)."""
    principal, form = request_upload.principal, request_upload.fields
    format, preset, connection, mapping = form.format, form.preset, form.connection, form.mapping
    filename = request_upload.filename
    upload = uploads.spool(io.BytesIO(request_upload.data), max_bytes=MAX_BYTES)
    handed_over = False
    try:
        opts = ImportOptions(
            fmt=format,
            filename=filename,
            preset=preset,
            mapping=service.mapping_from_json(mapping) if mapping else None,
            connection=connection,
        )
        prepared = service.prepare(session, opts)
        session.rollback()  # hold no transaction (nor SQLite's write lock) while validating
        if upload.size > BACKGROUND_BYTES:
            handed_over = True
            return _in_background(session, response, upload, opts, principal, rows=None)
        with upload.open() as fh:
            try:
                parsed = service.validate(fh, opts, prepared)
            except ValueError as exc:
                raise Unprocessable(str(exc)) from None
            if parsed.row_count > BACKGROUND_ROWS:
                handed_over = True
                return _in_background(session, response, upload, opts, principal, parsed.row_count)
            conn = service.resolve_connection(session, opts.connection)
            summary = service.store(session, conn, parsed, principal, filename=filename)
        session.commit()
        return ImportResult(**summary)
    finally:
        if not handed_over:
            upload.discard()


def _in_background(
    session: SessionDep,
    response: Response,
    upload: uploads.Upload,
    opts: ImportOptions,
    principal: Principal,
    rows: int | None,
) -> ImportAccepted:
    """Hand the spooled file to a job and answer at once with it (202)."""
    job = background.start(session, upload, opts, principal, rows, checkpoint=session.commit)
    response.status_code = status.HTTP_202_ACCEPTED
    return ImportAccepted(rows=rows, job=job)
