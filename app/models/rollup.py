"""Spend rollups: pre-summed transactions that the spend feed and the dashboard read.

They are derived data, never a source of truth. Database triggers on ``transactions``
(migration 0005) mark every (month, department) whose rows were inserted, changed or deleted
in ``spend_dirty``, in the same transaction as the change, whichever code path made it;
:mod:`app.feeds.rollup` recomputes exactly those pairs from ``transactions`` before a read.

On SQLite, inserts are found by id instead of by trigger (:class:`TransactionWatermark`).

Both rollups hold only the rows every total counts: not removed and not a cross-source
duplicate. ``amount_minor`` sums ``reporting_amount_minor`` (rows without one add nothing),
``converted_count`` counts the rows that have one, ``updated_at`` is the newest change.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime


class SpendDirty(SQLModel, table=True):
    """A (month, department) whose rollup rows are stale. ``department_key`` is the
    department id, 0 for rows without a department. Not unique on purpose: on Postgres
    concurrent writers append marks without waiting on each other (no lock order to deadlock
    on); SQLite's trigger skips a mark that is already there. A refresh claims them all."""

    __tablename__ = "spend_dirty"
    __table_args__ = (Index("ix_spend_dirty_month_department", "month", "department_key"),)
    id: int | None = Field(default=None, primary_key=True)
    month: date
    department_key: int


class TransactionWatermark(SQLModel, table=True):
    """SQLite only: per consumer (``spend``, ``findings``), the highest transaction id it has
    seen; every row above it is new to that consumer. SQLite has a single writer and hands
    rowids out in increasing order, so this finds new rows without an insert trigger (any
    trigger costs SQLite inserts ~35 us a row). A delete that removes the newest rows lowers
    a watermark to the highest id left, since SQLite may hand those ids out again. Postgres
    (concurrent writers commit ids out of order) marks inserts with statement triggers."""

    __tablename__ = "transaction_watermarks"
    name: str = Field(primary_key=True, max_length=40)
    last_id: int = Field(default=0, sa_type=BigInteger)


class _SpendSums(SQLModel):
    """The keys every rollup shares, and its sums."""

    department_id: int | None = None
    is_software: bool
    outside_it: bool
    reporting_currency: str | None = Field(default=None, max_length=3)
    amount_minor: int = Field(sa_type=BigInteger)
    transaction_count: int
    converted_count: int
    updated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SpendDaily(_SpendSums, table=True):
    """Per day and department: software / outside IT split, in each reporting currency."""

    __tablename__ = "spend_daily"
    __table_args__ = (Index("ix_spend_daily_day_department", "day", "department_id"),)
    id: int | None = Field(default=None, primary_key=True)
    day: date


class SpendMonthly(_SpendSums, table=True):
    """Per month (its first day), department, vendor and category."""

    __tablename__ = "spend_monthly"
    __table_args__ = (Index("ix_spend_monthly_month_department", "month", "department_id"),)
    id: int | None = Field(default=None, primary_key=True)
    month: date
    vendor_id: int | None = None
    category: str | None = Field(default=None, max_length=40)
