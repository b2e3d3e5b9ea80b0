"""``POST /reclassify``: re-classify stored history in the background (beside
:mod:`app.findings.reclassify`, whose findings refresh it ends with)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status

from app.api.deps import SessionDep, require
from app.audit import service as audit_service
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.errors import Conflict
from app.feeds import rollup
from app.findings import reclassify as reclassify_service
from app.jobs import runner as job_runner
from app.models import JobPublic

router = APIRouter(tags=["classification"])


def _reclassify_job(session: Any, report: job_runner.Reporter) -> dict[str, Any]:
    result = reclassify_service.reclassify(
        session, progress=lambda done, total: report(done, total), checkpoint=session.commit
    )
    rollup.ensure_fresh(session, session.commit)  # the last batch, then what changed re-summed
    return result.as_dict()


@router.post("/reclassify", response_model=JobPublic, status_code=status.HTTP_202_ACCEPTED)
def start_reclassification(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.RECLASSIFY))],
) -> JobPublic:
    """Re-classify all stored transactions in the background (after a catalog upgrade or
    many rule changes). Poll `GET /jobs/{id}` for progress."""
    if job_runner.active(session, "reclassify"):
        raise Conflict("a re-classification is already running; poll its job")
    job = job_runner.create(session, "reclassify", key_id=principal.key_id)
    audit_service.record(session, principal, "reclassify.started", "job", job.id)
    session.commit()
    assert job.id is not None
    job_runner.runner.submit(job.id, _reclassify_job)
    session.refresh(job)
    return JobPublic.model_validate(job)
