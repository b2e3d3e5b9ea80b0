"""Per-day sums behind the findings, kept by deltas (migration 0006).

A finding's totals, dates, flags and cadence are all functions of its outside-IT charges per
day, so the engine reads these day rows instead of every transaction. Database triggers on
``transactions`` append the change each inserted, updated or deleted row makes to a
(vendor, department, day) in ``finding_day_deltas``, in the same transaction as the change,
whatever code path made it; :func:`app.findings.engine.refresh` folds the pending deltas into
``finding_days``. A refresh therefore costs in proportion to the rows written since the last
one, plus the days of the findings it recomputes — never the transaction table.

Only rows every total counts contribute: outside IT, with a vendor, not removed, not a
cross-source duplicate. ``department_key`` is the department id, 0 for rows without one (a
unique key cannot hold NULLs). ``amount_minor`` sums ``reporting_amount_minor`` (rows
without one add nothing), ``positive_minor`` only the charges (cadence ignores refunds),
``reimbursed`` and ``resold`` count the rows paid on a personal card or through a reseller.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel


class FindingDay(SQLModel, table=True):
    __tablename__ = "finding_days"
    __table_args__ = {"sqlite_with_rowid": False}  # a finding's days are one contiguous range
    vendor_id: int = Field(primary_key=True)
    department_key: int = Field(primary_key=True)
    day: date = Field(primary_key=True)
    n: int
    amount_minor: int = Field(sa_type=BigInteger)
    positive_minor: int = Field(sa_type=BigInteger)
    reimbursed: int
    resold: int


class FindingDayDelta(SQLModel, table=True):
    """Append-only (no uniqueness): concurrent writers never wait on each other here."""

    __tablename__ = "finding_day_deltas"
    id: int | None = Field(default=None, primary_key=True)
    vendor_id: int
    department_key: int
    day: date
    n: int
    amount_minor: int = Field(sa_type=BigInteger)
    positive_minor: int = Field(sa_type=BigInteger)
    reimbursed: int
    resold: int


class FindingEvidence(SQLModel, table=True):
    """The transactions behind a finding when it closed (approved or dismissed), with their
    reporting amount then: a closed finding's totals are the sum of these rows, whatever
    happened to the transactions since (sanctioned, re-classified, re-converted)."""

    __tablename__ = "finding_evidence"
    finding_id: int = Field(foreign_key="findings.id", primary_key=True)
    transaction_id: int = Field(foreign_key="transactions.id", primary_key=True)
    reporting_amount_minor: int | None = Field(default=None, sa_type=BigInteger)
