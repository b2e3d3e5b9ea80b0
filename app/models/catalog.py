"""The vendor catalog and the user's match rules."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from app.models.common import created_at_field, json_field


class VendorBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    domains: list[str] = Field(default_factory=list)
    category: str | None = Field(default=None, max_length=40)
    aliases: list[str] = Field(default_factory=list)
    descriptors: list[str] = Field(
        default_factory=list, description="Known billing descriptors, as statements print them"
    )
    is_reseller: bool = Field(default=False, description="A merchant of record such as Paddle")
    is_software: bool = True
    pricing_model: str | None = Field(default=None, max_length=40)


class VendorCreate(VendorBase):
    slug: str = Field(min_length=1, max_length=120, regex=r"^[a-z0-9][a-z0-9-]*$")


class VendorUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    domains: list[str] | None = None
    category: str | None = Field(default=None, max_length=40)
    aliases: list[str] | None = None
    descriptors: list[str] | None = None
    is_reseller: bool | None = None
    is_software: bool | None = None
    pricing_model: str | None = Field(default=None, max_length=40)


class Vendor(VendorBase, table=True):
    __tablename__ = "vendors"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    domains: list[str] = json_field(list)
    aliases: list[str] = json_field(list)
    descriptors: list[str] = json_field(list)
    # builtin rows are refreshed by catalog upgrades unless an admin edited them; custom rows
    # are never touched by an upgrade.
    source: str = Field(default="builtin", max_length=20)
    edited: bool = False
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class VendorPublic(VendorBase):
    id: int
    slug: str
    source: str
    edited: bool


class MatchRuleBase(SQLModel):
    pattern: str = Field(min_length=1, max_length=300)
    kind: str = Field(default="contains", regex=r"^(contains|exact|regex)$")
    vendor_id: int | None = Field(
        default=None, description="The vendor it names; null means 'not software'"
    )
    priority: int = Field(default=100, ge=0, le=10_000, description="Lower runs first")
    comment: str | None = Field(default=None, max_length=1000)
    enabled: bool = True


class MatchRuleCreate(MatchRuleBase):
    pass


class MatchRule(MatchRuleBase, table=True):
    __tablename__ = "match_rules"
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int | None = Field(default=None, foreign_key="vendors.id", ondelete="CASCADE")
    created_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = created_at_field()


class MatchRulePublic(MatchRuleBase):
    id: int
    created_by: str | None
    created_at: datetime
