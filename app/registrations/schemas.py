from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class RegistrationCreate(BaseModel):
    name: str | None = Field(
        default=None, max_length=200, description="The tool's name as you know it"
    )
    vendor_id: int | None = Field(default=None, description="Or pick the catalog vendor")
    department_id: int | None = Field(
        default=None, description="Defaults to the key's department for a scoped key"
    )
    owner_email: str | None = Field(default=None, max_length=320, pattern=EMAIL)
    purpose: str | None = Field(default=None, max_length=2000)
    seats: int | None = Field(default=None, ge=0)
    cost_minor: int | None = Field(default=None, ge=0, description="Cost per period")
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    period: Literal["monthly", "quarterly", "annual", "one_off"] | None = None
    url: str | None = Field(default=None, max_length=500)
    start_date: date | None = None

    @model_validator(mode="after")
    def _needs_name(self) -> RegistrationCreate:
        if not (self.name and self.name.strip()) and self.vendor_id is None:
            raise ValueError("give the tool's name or a vendor_id")
        if self.cost_minor is not None and self.currency is None:
            raise ValueError("cost_minor needs a currency")
        return self


class RegistrationUpdate(BaseModel):
    vendor_id: int | None = None
    owner_email: str | None = Field(default=None, max_length=320, pattern=EMAIL)
    purpose: str | None = Field(default=None, max_length=2000)
    seats: int | None = Field(default=None, ge=0)
    cost_minor: int | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern="^[A-Z]{3}$")
    period: Literal["monthly", "quarterly", "annual", "one_off"] | None = None
    url: str | None = Field(default=None, max_length=500)
    status: Literal["active", "cancelled"] | None = None


class Alternative(BaseModel):
    vendor_id: int
    name: str
    score: float


class RegistrationPublic(BaseModel):
    id: int
    name_as_typed: str
    vendor_id: int | None
    vendor_name: str | None
    match: str = Field(description="matched, ambiguous (see alternatives) or unmatched")
    alternatives: list[Alternative]
    department_id: int
    department_name: str | None
    owner_email: str | None
    purpose: str | None
    seats: int | None
    cost_minor: int | None
    currency: str | None
    period: str | None
    url: str | None
    start_date: date | None
    status: str
    spend_seen: bool = Field(description="False = declared but no spend seen yet")
    linked_finding_ids: list[int]
    created_at: datetime
