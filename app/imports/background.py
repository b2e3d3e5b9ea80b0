"""A statement file imported by a background job, from the API (a large file) or the console
(every file, so the person can watch it): the same job, params and run either way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from app.auth.principal import Principal
from app.imports import service, uploads
from app.imports.service import ImportOptions
from app.jobs import runner as job_runner
from app.models import JobPublic


def start(
    session: Session,
    upload: uploads.Upload,
    opts: ImportOptions,
    principal: Principal,
    rows: int | None,
    *,
    checkpoint: Callable[[], None],
) -> JobPublic:
    """Hand the spooled ``upload`` to an ``import`` job, made visible to the runner by the
    owner's ``checkpoint`` (its commit); the job validates,
    stores and discards the file. A rejected file fails the job with its row errors in the
    job's result. The caller polls ``GET /jobs/{id}``. The job is answered as this request
    wrote it (before the runner starts), so its own writes never race the answer."""
    job = job_runner.create(
        session,
        "import",
        params={"filename": opts.filename, "rows": rows},
        key_id=principal.key_id,
    )
    checkpoint()
    accepted = JobPublic.model_validate(job)

    def run(job_session: Any, report: job_runner.Reporter) -> dict[str, Any]:
        try:
            with upload.open() as fh:
                return service.run_import(
                    job_session, fh, opts, principal, checkpoint=job_session.commit, progress=report
                )
        finally:
            upload.discard()

    assert job.id is not None
    job_runner.runner.submit(job.id, run)
    return accepted
