"""What the findings API accepts and answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from app.models import TransactionPublic


class Ref(BaseModel):
    id: int | None
    name: str | None


class VendorRef(Ref):
    slug: str | None = None
    category: str | None = None


class DeclaredBy(BaseModel):
    registration_id: int
    department: str | None
    declared_on: date
    owner_email: str | None
    text: str = Field(description='e.g. "declared by Marketing on 2026-03-02"')


class SeverityReason(BaseModel):
    """One reason behind a finding's severity (see the README's "Severity")."""

    code: str = Field(
        description="spend, recurring, personal_card, reseller, "
        "several_departments, sanctioned_overlap, category_risk, new_vendor, signals_capped "
        "(or legacy: recorded before reasons were structured)"
    )
    points: int = Field(description="What it adds to severity_score (the cap line subtracts)")
    scope: Literal["finding", "vendor"] = Field(
        description="finding: from its own charges; vendor: from the vendor as a whole"
    )
    text: str = Field(description="The reason in words")


class ClosedBy(BaseModel):
    reason: str = Field(
        description="approved, approved_company_wide, sanctioned, wrong_match, not_software"
    )
    event_id: int | None = Field(description="The audit event of the decision that closed it")
    finding_id: int | None = Field(
        default=None, description="approved_company_wide: the finding whose approval it was"
    )
    at: datetime | None
    actor: str | None
    text: str


class FindingPublic(BaseModel):
    id: int
    vendor: VendorRef = Field(
        description="The catalog vendor; for unrecognised software, no id and the candidate's name"
    )
    unrecognised: bool = Field(
        default=False,
        description="Software the catalog does not know (a candidate vendor): confirm it "
        "(POST /vendors/candidates/confirm) to move the finding onto the new vendor, or "
        "reject it to close the finding",
    )
    candidate_name: str | None = Field(
        default=None, description="Unrecognised software: the name recognition read"
    )
    department: Ref
    status: str
    severity: str
    severity_score: int = Field(description="The sum of the reasons' points")
    severity_reasons: list[str] = Field(description="The reasons in words")
    severity_factors: list[SeverityReason] = Field(description="The reasons as data")
    reporting_currency: str
    total_minor: int = Field(
        description="Live: all its outside-IT spend; closed: its spend as decided"
    )
    total: str
    annual_run_rate_minor: int = Field(
        description="Annualised spend: a running subscription's run-rate, else the last year's"
    )
    annual_run_rate: str
    transaction_count: int
    first_seen_date: date | None
    last_seen_date: date | None
    cadence: str | None
    declared: DeclaredBy | None = None
    assignee_email: str | None
    snoozed_until: date | None
    cancel_by: date | None
    version: int = Field(description="Send it back (or If-Match) with a decision")
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    closed_reason: str | None = Field(
        default=None, description="Why it closed (null while open, snoozed or rejected)"
    )
    closed_by: ClosedBy | None = None


class CommentPublic(BaseModel):
    at: datetime
    actor: str | None
    role: str | None
    action: str
    comment: str | None


class FindingDetail(FindingPublic):
    transactions: list[TransactionPublic]
    history: list[CommentPublic]


Decision = Literal["approve", "reject", "dismiss", "snooze"]


class DecisionRequest(BaseModel):
    decision: Decision
    version: int | None = Field(
        default=None, description="The finding's version you saw (or send If-Match)"
    )
    comment: str | None = Field(default=None, max_length=4000)
    scope: Literal["department", "company"] = Field(
        default="department", description="approve: sanction for this department or company-wide"
    )
    cancel_by: date | None = Field(default=None, description="reject: cancel the tool by then")
    correct_vendor_id: int | None = Field(
        default=None, description="dismiss: the vendor it really is"
    )
    not_software: bool = Field(default=False, description="dismiss: it is not software at all")
    snooze_until: date | None = Field(default=None, description="snooze: until this date")

    @model_validator(mode="after")
    def _needs(self) -> DecisionRequest:
        if self.decision == "dismiss" and (self.correct_vendor_id is None) == (
            not self.not_software
        ):
            raise ValueError("dismiss needs exactly one of correct_vendor_id or not_software=true")
        if self.decision == "snooze" and self.snooze_until is None:
            raise ValueError("snooze needs snooze_until")
        return self


class BulkDecisionRequest(DecisionRequest):
    ids: list[int] = Field(min_length=1, max_length=500)
    versions: dict[int, int] | None = Field(
        default=None,
        description="Per finding id, the version you saw: a finding changed since answers 409 "
        "and is left alone (ids not listed are decided whatever their version)",
    )


class BulkResult(BaseModel):
    id: int
    status: int
    detail: str | None = None
    finding: FindingPublic | None = None


class FindingUpdate(BaseModel):
    assignee_email: str | None = Field(
        default=None, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    )
    version: int | None = None


class CommentRequest(BaseModel):
    comment: str = Field(min_length=1, max_length=4000)
