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


class FindingPublic(BaseModel):
    id: int
    vendor: VendorRef
    department: Ref
    status: str
    severity: str
    severity_score: int
    severity_reasons: list[str]
    reporting_currency: str
    total_minor: int
    total: str
    annual_run_rate_minor: int | None
    annual_run_rate: str | None
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
