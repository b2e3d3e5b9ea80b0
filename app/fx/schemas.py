"""What the FX routes answer."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class FxRatePublic(BaseModel):
    id: int
    rate_date: date
    currency: str
    quote_currency: str
    rate: str = Field(description="Units of quote_currency one unit of currency buys (decimal)")
    source: str = Field(description="ecb, upload, or demo")
    created_at: datetime


class RefreshResult(BaseModel):
    url: str
    days: int = Field(description="Days in the file")
    latest_date: date
    inserted: int
    updated: int
    unchanged: int
    kept: int = Field(description="Stored rates from another source (an upload) left as they were")
    converted: int = Field(description="Transactions that got their reporting amount just now")
    reconverted: int = Field(
        description="Converted transactions whose amount changed with a new or corrected rate"
    )


class UploadResult(BaseModel):
    rows: int
    inserted: int
    updated: int
    unchanged: int
    converted: int = Field(description="Transactions that got their reporting amount just now")
    reconverted: int = Field(
        description="Converted transactions whose amount changed with a new or corrected rate"
    )
    other_quotes: list[str] = Field(
        description="Quote currencies other than the reporting one (stored, not used to convert)"
    )
