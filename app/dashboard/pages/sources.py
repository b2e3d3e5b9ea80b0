"""Sources: the connections with their status and runs, "sync now", the recent imports, and
uploading a statement file whose import the page follows to the end.

"Sync now" and the upload start the same background jobs as ``POST
/api/v1/connections/{id}/sync`` and ``POST /api/v1/imports`` (:mod:`app.connections.manual`,
:mod:`app.imports.background`), audited alike. A job's page refreshes itself without a script
(``<noscript>`` refresh); with the script it polls a fragment of the same page instead."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from app.api.deps import SessionDep
from app.auth import cookie as web_session
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.connections import manual
from app.connections import service as connection_service
from app.connections import sync as sync_mod
from app.dashboard import sources
from app.dashboard.forms import form_principal
from app.dashboard.render import (
    error_page,
    fragment_viewer,
    not_permitted,
    page_viewer,
    redirect,
    render,
    to_login,
)
from app.errors import AppError, Forbidden, Unprocessable
from app.imports import background, uploads
from app.imports import service as import_service
from app.imports.service import ImportOptions
from app.jobs import runner as job_runner
from app.models import Job
from connectors.files import MAPPING_HELP, PRESETS, FileFormat

router = APIRouter(include_in_schema=False)
MAX_BYTES = 50 * 1024 * 1024  # as POST /api/v1/imports
_MAX_FIELD_BYTES = 64 * 1024
_FIELDS = ("csrf_token", "format", "preset", "connection", "mapping")


def _page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    *,
    status_code: int = 200,
    **context: Any,
) -> Response:
    context.setdefault("form", {})
    return render(
        request,
        "sources.html",
        principal,
        status_code=status_code,
        sources=sources.sources(session),
        imports=sources.recent_imports(session),
        can_sync=allowed(principal.role, Perm.CONNECTIONS_SYNC, scoped=principal.scoped),
        can_import=allowed(principal.role, Perm.IMPORTS_WRITE, scoped=principal.scoped),
        can_candidates=allowed(principal.role, Perm.RULES_READ, scoped=principal.scoped),
        formats=[f.value for f in FileFormat],
        presets=sorted(PRESETS),
        mapping_help=MAPPING_HELP,
        **context,
    )


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: SessionDep) -> Response:
    """Every connection with its status, last and next sync and last error; recent imports;
    the statement upload."""
    principal = page_viewer(request, session, Perm.CONNECTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    return _page(request, session, principal)


@router.get("/sources/{connection_id}", response_class=HTMLResponse)
def source_page(connection_id: int, request: Request, session: SessionDep) -> Response:
    """One connection and its run history."""
    principal = page_viewer(request, session, Perm.CONNECTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        connection = connection_service.get(session, connection_id)
    except AppError as exc:
        return error_page(request, principal, exc)
    if job_runner.reap_stale(session):
        session.commit()
    found, runs = sources.source(session, connection)
    return render(
        request,
        "source.html",
        principal,
        source=found,
        runs=runs,
        can_sync=allowed(principal.role, Perm.CONNECTIONS_SYNC, scoped=principal.scoped),
    )


@router.post("/sources/{connection_id}/sync")
def source_sync(
    connection_id: int,
    request: Request,
    session: SessionDep,
    transport: Annotated[sync_mod.TransportFactory, Depends(manual.transport)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sync an API connection now, as ``POST /api/v1/connections/{id}/sync`` does (the same
    job, the same audit event), then follow the job."""
    principal = form_principal(
        request, session, csrf_token, f"/sources/{connection_id}", Perm.CONNECTIONS_SYNC
    )
    if not isinstance(principal, Principal):
        return principal
    try:
        job = manual.start_sync(
            session, connection_id, principal, transport, checkpoint=session.commit
        )
    except AppError as exc:
        session.rollback()
        return error_page(request, principal, exc)
    return redirect(f"/sources/jobs/{job.id}")


# --- upload ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatementForm:
    fields: dict[str, str]
    data: bytes | None
    filename: str | None


def _uploader(request: Request, session: SessionDep) -> Principal | Response:
    """Who uploads, checked before the body is read: the session (its CSRF token is checked
    against the form's once the form is read) and its permission to import."""
    try:
        principal = web_session.principal_from_cookie(
            request, session, form_token=web_session.csrf_token(request)
        )
    except Forbidden as exc:
        return error_page(request, None, exc)
    if principal is None:
        # Answered before the body is read, as every console form is (signin_first): a dead
        # session's cookies are dropped with the redirect.
        response = to_login(request, "/sources")
        if request.cookies.get(web_session.SESSION_COOKIE):
            web_session.clear_session(response, request)
        return response
    if not allowed(principal.role, Perm.IMPORTS_WRITE, scoped=principal.scoped):
        return not_permitted(request, principal, Perm.IMPORTS_WRITE)
    return principal


async def _statement_form(
    request: Request, who: Annotated[Principal | Response, Depends(_uploader)]
) -> StatementForm | None:
    """The upload form, read only for a caller allowed to import (None otherwise)."""
    if not isinstance(who, Principal):
        return None
    form = await request.form(
        max_files=1, max_fields=len(_FIELDS) + 1, max_part_size=_MAX_FIELD_BYTES
    )
    try:
        fields = {k: v for k, v in form.multi_items() if k in _FIELDS and isinstance(v, str)}
        upload = form.get("file")
        data = None
        filename = None
        if isinstance(upload, UploadFile):
            data = await upload.read(MAX_BYTES + 1)
            filename = upload.filename
        return StatementForm(fields=fields, data=data, filename=filename)
    finally:
        await form.close()


def _options(form: StatementForm) -> ImportOptions:
    fields = form.fields
    fmt = fields.get("format") or FileFormat.AUTO.value
    if fmt not in {f.value for f in FileFormat}:
        raise Unprocessable(f"unknown format {fmt!r}")
    mapping_text = fields.get("mapping", "").strip()
    return ImportOptions(
        fmt=FileFormat(fmt),
        filename=form.filename,
        preset=fields.get("preset") or None,
        mapping=import_service.mapping_from_json(mapping_text) if mapping_text else None,
        connection=fields.get("connection", "").strip() or None,
    )


@router.post("/sources/import")
def source_import(
    request: Request,
    session: SessionDep,
    who: Annotated[Principal | Response, Depends(_uploader)],
    form: Annotated[StatementForm | None, Depends(_statement_form)],
) -> Response:
    """Import a statement file in the background (the same job as a large file sent to
    ``POST /api/v1/imports``) and follow it. A refused form shows the page again with the
    reason and every field as sent; nothing is stored."""
    if not isinstance(who, Principal):
        return who
    assert form is not None
    principal = form_principal(
        request, session, form.fields.get("csrf_token", ""), "/sources", Perm.IMPORTS_WRITE
    )
    if not isinstance(principal, Principal):
        return principal
    shown = {k: v for k, v in form.fields.items() if k != "csrf_token"}
    try:
        if not form.data or form.data.isspace():
            raise Unprocessable("choose a statement file to upload (it must not be empty)")
        if len(form.data) > MAX_BYTES:
            raise Unprocessable("the file is larger than 50 MB")
        opts = _options(form)
        import_service.prepare(session, opts)
        session.rollback()
        upload = uploads.spool(io.BytesIO(form.data), max_bytes=MAX_BYTES)
    except AppError as exc:
        session.rollback()
        return _page(
            request, session, principal, status_code=exc.status, error=exc.detail, form=shown
        )
    job = background.start(session, upload, opts, principal, rows=None, checkpoint=session.commit)
    return redirect(f"/sources/jobs/{job.id}")


# --- a job, followed -------------------------------------------------------------------------


def _job(session: SessionDep, job_id: int, principal: Principal) -> Job:
    return job_runner.get_for(session, job_id, principal)


@router.get("/sources/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: int, request: Request, session: SessionDep) -> Response:
    """A sync or import job: its progress while it runs, its counts or its errors once done."""
    principal = page_viewer(request, session, Perm.JOBS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        job = _job(session, job_id, principal)
    except AppError as exc:
        return error_page(request, principal, exc)
    return render(request, "job.html", principal, job=job)


@router.get("/fragments/jobs/{job_id}", response_class=HTMLResponse)
def job_fragment(job_id: int, request: Request, session: SessionDep) -> Response:
    """The job page's progress block, for its script to poll."""
    principal = fragment_viewer(request, session, Perm.JOBS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        job = _job(session, job_id, principal)
    except AppError:
        return Response(status_code=404, headers={"Cache-Control": "no-store"})
    return render(request, "_job.html", principal, job=job)
