from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.api.deps import ReadSessionDep, require
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.classification import service, wording

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
