from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from app.api.deps import SessionDep, require
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.jobs import runner
from app.models import JobPublic

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=JobPublic)
def get_job(
    job_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.JOBS_READ))],
) -> JobPublic:
    """A background job's status and progress (`progress` of `total`), and its result once
    finished. A department-scoped key sees only the jobs it started."""
    return JobPublic.model_validate(runner.get_for(session, job_id, principal))
