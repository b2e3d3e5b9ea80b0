from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, Field

from app.api.deps import ReadSessionDep, SessionDep, require
from app.auth.permissions import Perm
from app.auth.service import Principal
from app.classification import reclassify as reclassify_service
from app.classification import service
from app.errors import Conflict
from app.feeds import rollup
from app.ingest import wording
from app.jobs import runner as job_runner
from app.models import JobPublic

router = APIRouter(tags=["classification"])


class ClassifyItem(BaseModel):
    descriptor: str = Field(max_length=10_000, description="As the statement prints it")
    mcc: str | None = Field(default=None, max_length=8)
    memo: str | None = Field(default=None, max_length=2000)


class ClassifyRequest(BaseModel):
    items: list[ClassifyItem] = Field(min_length=1, max_length=1000)
    connection_id: int | None = Field(
        default=None,
        description="Read the descriptors as this connection's rows, with the wording its "
        "bank repeats (learned at import and sync), as its stored transactions were read",
    )


class ClassifyResult(BaseModel):
    descriptor: str
    normalised: str
    vendor: str | None
    vendor_id: int | None
    vendor_slug: str | None
    category: str | None
    is_software: bool
    confidence: float
    matched_by: str
    matched_text: str | None
    reseller: str | None
    explanation: str


class ClassifyResponse(BaseModel):
    items: list[ClassifyResult]
    classifier_version: str


@router.post("/classify", response_model=ClassifyResponse)
def classify(
    body: ClassifyRequest,
    session: ReadSessionDep,
    _: Annotated[Principal, Depends(require(Perm.CLASSIFY))],
) -> ClassifyResponse:
    """Recognise up to 1,000 merchant descriptors at once against the catalog and your rules:
    vendor, software or not, category, the evidence used (`matched_by`), a confidence in
    0..1 and a one-line explanation. With `connection_id`, the descriptors are read as that
    connection's rows (its bank's wording set aside), as import and sync read them. Nothing
    is stored."""
    import classifiers

    ctx = service.get_context(session)
    answers = ctx.classifier.classify_many(
        ((i.descriptor, i.mcc, i.memo) for i in body.items),
        boilerplate=wording.of_connection(session, body.connection_id, ctx.classifier.catalog),
    )
    return ClassifyResponse(
        classifier_version=classifiers.CLASSIFIER_VERSION,
        items=[
            ClassifyResult(
                descriptor=item.descriptor,
                normalised=a.normalised,
                vendor=a.vendor_name,
                vendor_id=ctx.vendor_id(a.vendor_slug),
                vendor_slug=a.vendor_slug,
                category=a.category,
                is_software=a.is_software,
                confidence=round(a.confidence, 4),
                matched_by=a.matched_by,
                matched_text=a.matched_text,
                reseller=a.reseller_slug,
                explanation=a.explanation,
            )
            for item, a in zip(body.items, answers, strict=True)
        ],
    )


def _reclassify_job(session: Any, report: job_runner.Reporter) -> dict[str, Any]:
    result = reclassify_service.reclassify(
        session, progress=lambda done, total: report(done, total), commit_every_batch=True
    )
    rollup.ensure_fresh(session)  # commits the last batch, then re-sums what changed
    return result.as_dict()


@router.post("/reclassify", response_model=JobPublic, status_code=status.HTTP_202_ACCEPTED)
def start_reclassification(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.RECLASSIFY))],
) -> JobPublic:
    """Re-classify all stored transactions in the background (after a catalog upgrade or
    many rule changes). Poll `GET /jobs/{id}` for progress."""
    from app.audit import service as audit_service

    if job_runner.active(session, "reclassify"):
        raise Conflict("a re-classification is already running; poll its job")
    job = job_runner.create(session, "reclassify", key_id=principal.key_id)
    audit_service.record(session, principal, "reclassify.started", "job", job.id)
    session.commit()
    assert job.id is not None
    job_runner.runner.submit(job.id, _reclassify_job)
    session.refresh(job)
    return JobPublic.model_validate(job)
