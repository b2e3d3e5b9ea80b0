"""What IT sanctioned, what teams declared, and what was found outside IT."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Text, text
from sqlmodel import Field, SQLModel

from app.models.common import created_at_field, json_field, ts_field


class SanctionedApp(SQLModel, table=True):
    __tablename__ = "sanctioned_apps"
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendors.id", index=True)
    # null = company-wide; otherwise sanctioned for this department only
    department_id: int | None = Field(default=None, foreign_key="departments.id")
    owner_email: str | None = Field(default=None, max_length=320)
    contract_start: date | None = None
    contract_end: date | None = None
    annual_value_minor: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = Field(default=None, max_length=3)
    seats: int | None = None
    # Days before contract_end by which the vendor must be told if the contract is not to renew.
    notice_days: int | None = None
    notes: str | None = Field(default=None, sa_type=Text)
    status: str = Field(default="active", max_length=20)  # active | retired
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Registration(SQLModel, table=True):
    __tablename__ = "registrations"
    id: int | None = Field(default=None, primary_key=True)
    name_as_typed: str = Field(max_length=200)
    vendor_id: int | None = Field(default=None, foreign_key="vendors.id", index=True)
    match_alternatives: list[dict[str, Any]] = json_field(list)
    department_id: int = Field(foreign_key="departments.id", index=True)
    owner_email: str | None = Field(default=None, max_length=320)
    purpose: str | None = Field(default=None, sa_type=Text)
    seats: int | None = None
    cost_minor: int | None = Field(default=None, sa_type=BigInteger)
    currency: str | None = Field(default=None, max_length=3)
    period: str | None = Field(default=None, max_length=20)
    url: str | None = Field(default=None, max_length=500)
    start_date: date | None = None
    status: str = Field(default="active", max_length=20)
    created_by_key_id: int | None = Field(default=None, foreign_key="api_keys.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class FindingStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISMISSED = "dismissed"
    SNOOZED = "snoozed"


# A live finding follows its outside-IT spend; a closed one keeps what it showed when it closed
# (its totals, severity and the transactions behind it, in ``finding_evidence``).
LIVE_STATUSES = (FindingStatus.OPEN, FindingStatus.SNOOZED, FindingStatus.REJECTED)
CLOSED_STATUSES = (FindingStatus.APPROVED, FindingStatus.DISMISSED)
_LIVE_SQL = "status IN ('open', 'snoozed', 'rejected')"
_LIVE_CANDIDATE_SQL = f"{_LIVE_SQL} AND candidate_name IS NOT NULL"


class ClosedReason(StrEnum):
    """Why a finding closed; ``decision_event_id`` is the audit event of that decision."""

    APPROVED = "approved"  # IT approved this finding
    APPROVED_COMPANY_WIDE = "approved_company_wide"  # another finding's company-wide approval
    SANCTIONED = "sanctioned"  # IT added the vendor to its sanctioned inventory
    WRONG_MATCH = "wrong_match"  # dismissed: the charges were not this vendor's software
    NOT_SOFTWARE = "not_software"  # dismissed: IT rejected the candidate vendor as software


class Finding(SQLModel, table=True):
    """One per (vendor, department) bought outside IT while live; closed findings stay as the
    history of what was decided, so a key may also have any number of closed ones."""

    __tablename__ = "findings"
    __table_args__ = (
        Index(
            "uq_findings_live_vendor_department",
            "vendor_id",
            "department_id",
            unique=True,
            sqlite_where=text(_LIVE_SQL),
            postgresql_where=text(_LIVE_SQL),
        ),
        Index(
            "uq_findings_live_candidate_department",
            "candidate_name",
            "department_id",
            unique=True,
            sqlite_where=text(_LIVE_CANDIDATE_SQL),
            postgresql_where=text(_LIVE_CANDIDATE_SQL),
        ),
        # sort=severity: the label first, then the annualised spend
        Index("ix_findings_severity_order", "severity_rank", "annual_run_rate_minor", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # None on a candidate vendor's finding (software the catalog does not know, by the name
    # recognition read: ``candidate_name``); see app.findings.candidates.
    vendor_id: int | None = Field(default=None, foreign_key="vendors.id")
    candidate_name: str | None = Field(default=None, max_length=300)
    # null department = spend whose cardholder has no known department
    department_id: int | None = Field(default=None, foreign_key="departments.id", index=True)
    status: str = Field(default=FindingStatus.OPEN, max_length=20, index=True)
    severity: str = Field(default="low", max_length=10)
    severity_rank: int = 0  # 0 low, 1 medium, 2 high, 3 critical
    severity_score: int = Field(default=0, index=True)
    # [{"code", "points", "scope", "text"}]: see app.findings.severity
    severity_reasons: list[dict[str, Any]] = json_field(list)
    total_reporting_minor: int = Field(default=0, sa_type=BigInteger)
    reporting_currency: str = Field(default="USD", max_length=3)
    transaction_count: int = 0
    first_seen_date: date | None = None
    last_seen_date: date | None = None
    cadence: str | None = Field(default=None, max_length=20)
    annual_run_rate_minor: int = Field(default=0, sa_type=BigInteger)
    registration_id: int | None = Field(default=None, foreign_key="registrations.id")
    assignee_email: str | None = Field(default=None, max_length=320)
    snoozed_until: date | None = None
    cancel_by: date | None = None
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    decided_at: datetime | None = ts_field()
    closed_reason: str | None = Field(default=None, max_length=30)
    decision_event_id: int | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only: no API edits or deletes a row."""

    __tablename__ = "audit_events"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = created_at_field()
    actor_key_id: int | None = Field(default=None, index=True)
    actor_name: str | None = Field(default=None, max_length=200)
    actor_role: str | None = Field(default=None, max_length=20)
    action: str = Field(max_length=60, index=True)
    entity_type: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=60)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    comment: str | None = Field(default=None, sa_type=Text)


class AuditEventPublic(SQLModel):
    id: int
    at: datetime
    actor_key_id: int | None
    actor_name: str | None
    actor_role: str | None
    action: str
    entity_type: str
    entity_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    comment: str | None
