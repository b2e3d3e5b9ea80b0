from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field, model_validator

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class SanctionedAppCreate(BaseModel):
    vendor_id: int
    department_id: int | None = Field(default=None, description="null = company-wide")
    owner_email: str | None = Field(default=None, max_length=320, pattern=EMAIL)
    contract_start: date | None = None
    contract_end: date | None = None
    annual_value_minor: int | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    seats: int | None = Field(default=None, ge=0)
    notice_days: int | None = Field(
        default=None, ge=0, le=730, description="Notice the contract needs before it ends"
    )
    notes: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _dates(self) -> SanctionedAppCreate:
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValueError("contract_end is before contract_start")
        if self.annual_value_minor is not None and self.currency is None:
            raise ValueError("annual_value_minor needs a currency")
        return self


class SanctionedAppUpdate(BaseModel):
    owner_email: str | None = Field(default=None, max_length=320, pattern=EMAIL)
    contract_start: date | None = None
    contract_end: date | None = None
    annual_value_minor: int | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    seats: int | None = Field(default=None, ge=0)
    notice_days: int | None = Field(default=None, ge=0, le=730)
    notes: str | None = Field(default=None, max_length=4000)
    version: int | None = None


class SanctionedAppPublic(BaseModel):
    id: int
    vendor_id: int
    vendor_name: str | None
    category: str | None
    department_id: int | None
    department_name: str | None
    scope: str = Field(description="company or department")
    owner_email: str | None
    contract_start: date | None
    contract_end: date | None
    annual_value_minor: int | None
    currency: str | None
    seats: int | None
    notice_days: int | None
    notes: str | None
    status: str
    version: int
    created_at: datetime
    updated_at: datetime
    findings_closed: int | None = None
