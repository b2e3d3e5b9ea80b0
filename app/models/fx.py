"""Exchange rates to the reporting currency."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.common import created_at_field


class FxRate(SQLModel, table=True):
    """``rate`` units of ``quote_currency`` buy one unit of ``currency``."""

    __tablename__ = "fx_rates"
    __table_args__ = (UniqueConstraint("rate_date", "currency", "quote_currency"),)
    id: int | None = Field(default=None, primary_key=True)
    rate_date: date = Field(index=True)
    currency: str = Field(max_length=3)
    quote_currency: str = Field(max_length=3)
    rate: Decimal = Field(sa_type=Numeric(20, 10))
    source: str = Field(default="manual", max_length=20)
    created_at: datetime = created_at_field()
