"""Candidate vendors over HTTP (``/vendors/candidates``). Mounted before the vendors router,
whose ``/vendors/{vendor_id}`` would otherwise take the path."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.candidates import service as candidate_service

router = APIRouter(prefix="/vendors/candidates", tags=["vendors"])


class CandidatePublic(BaseModel):
    name: str = Field(description="The seller's name as recognition extracted it")
    transactions: int
    spend_minor: int = Field(description="Total in the reporting currency, minor units")
    reporting_currency: str | None
    first_seen: date | None
    last_seen: date | None
    departments: list[str]
    descriptors: list[str] = Field(description="The most frequent descriptors (at most 5)")
    evidence: str | None = Field(description="Why recognition called it software")
    resellers: list[str] = Field(description="Merchants of record it was sold through")


class CandidateDecision(BaseModel):
    name: str = Field(min_length=1, max_length=300, description="The candidate's `name`")
    vendor_name: str | None = Field(
        default=None, max_length=200, description="Confirm: the vendor's name, if not `name`"
    )
    category: str | None = Field(default=None, max_length=40, description="Confirm: category")
    comment: str | None = Field(default=None, max_length=1000)


class CandidateOutcome(BaseModel):
    name: str
    vendor_id: int | None = None
    rule_id: int | None = None
    reclassified: int = Field(description="Transactions whose classification changed")


@router.get("", response_model=Page[CandidatePublic])
def list_candidates(
    session: SessionDep,
    page: PageDep,
    _: Annotated[Principal, Depends(require(Perm.RULES_READ))],
    q: Annotated[str | None, Query(max_length=100, description="Name contains")] = None,
) -> Page[CandidatePublic]:
    """Software your statements show that the catalog does not know: products printed after
    a merchant of record, and sellers recognised as software by their evidence (category
    code, a printed category label, a domain, software words). Largest spend first. Confirm
    one to add it to the catalog, or reject it as not software."""
    items, cursor = candidate_service.list_candidates(
        session, limit=page.limit, cursor=page.cursor, q=q
    )
    return Page(
        items=[CandidatePublic.model_validate(c, from_attributes=True) for c in items],
        next_cursor=cursor,
    )


@router.post("/confirm", response_model=CandidateOutcome)
def confirm_candidate(
    body: CandidateDecision,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.RULES_WRITE))],
) -> CandidateOutcome:
    """Add a candidate to the catalog as a custom vendor: its transactions are re-classified
    onto it at once and its findings follow. Audited."""
    vendor, changed = candidate_service.confirm(
        session, body.name, principal, vendor_name=body.vendor_name, category=body.category
    )
    session.commit()
    return CandidateOutcome(name=body.name, vendor_id=vendor.id, reclassified=changed)


@router.post("/reject", response_model=CandidateOutcome)
def reject_candidate(
    body: CandidateDecision,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.RULES_WRITE))],
) -> CandidateOutcome:
    """Mark a candidate as not software: a rule is created and its transactions are
    re-classified. Audited."""
    rule, changed = candidate_service.reject(session, body.name, principal, comment=body.comment)
    session.commit()
    return CandidateOutcome(name=body.name, rule_id=rule.id, reclassified=changed)
