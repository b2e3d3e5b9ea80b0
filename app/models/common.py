"""Shared column helpers for the table modules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger
from sqlmodel import Field

from app.db import UTCDateTime, utcnow

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def ts_field(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def money_field(*, nullable: bool = False, default: int | None = None) -> Any:
    return Field(default=default, sa_type=BigInteger, nullable=nullable)


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=JSON, nullable=False)


def now() -> datetime:
    return utcnow()
