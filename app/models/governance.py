"""What IT sanctioned, what teams declared, and what was found outside IT."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Text, UniqueConstraint
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


class Finding(SQLModel, table=True):
    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("vendor_id", "department_id"),)
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int = Field(foreign_key="vendors.id")
    # null department = spend whose cardholder has no known department
    department_id: int | None = Field(default=None, foreign_key="departments.id", index=True)
    status: str = Field(default=FindingStatus.OPEN, max_length=20, index=True)
    severity: str = Field(default="low", max_length=10)
    severity_score: int = Field(default=0, index=True)
    severity_reasons: list[str] = json_field(list)
    total_reporting_minor: int = Field(default=0, sa_type=BigInteger)
    reporting_currency: str = Field(default="USD", max_length=3)
    transaction_count: int = 0
    first_seen_date: date | None = None
    last_seen_date: date | None = None
    cadence: str | None = Field(default=None, max_length=20)
    annual_run_rate_minor: int | None = Field(default=None, sa_type=BigInteger)
    registration_id: int | None = Field(default=None, foreign_key="registrations.id")
    assignee_email: str | None = Field(default=None, max_length=320)
    snoozed_until: date | None = None
    cancel_by: date | None = None
    version: int = 1
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
    decided_at: datetime | None = ts_field()


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
