"""Transactions as they landed, with their recognition."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models.common import created_at_field, json_field, ts_field

# Recognition's methods that name software without a catalog vendor: a candidate vendor's rows.
CANDIDATE_METHODS = ("product", "discovered")


def candidate_rows_sql(table: str = "") -> str:
    """The predicate of ``ix_transactions_candidates`` (migration 0012). A query uses that
    partial index on SQLite only when it states these terms as literals, as this text does."""
    prefix = f"{table}." if table else ""
    methods = ", ".join(f"'{m}'" for m in CANDIDATE_METHODS)
    return f"{prefix}vendor_id IS NULL AND {prefix}matched_by IN ({methods})"


_CANDIDATE_ROWS = candidate_rows_sql()


class Transaction(SQLModel, table=True):
    __tablename__ = "transactions"
    __table_args__ = (
        UniqueConstraint("connection_id", "external_id"),
        Index("ix_transactions_date_id", "transaction_date", "id"),
        Index("ix_transactions_department_date", "department_id", "transaction_date"),
        Index("ix_transactions_vendor_date", "vendor_id", "transaction_date"),
        Index("ix_transactions_software_date", "is_software", "transaction_date"),
        # Covers the spend feed when it must read transactions rather than the rollups (a text
        # or connection filter, edges of a period): the two columns every default filter pins,
        # then the feed's grouping, then the summed amount and updated_at (migration 0004).
        Index(
            "ix_transactions_feed",
            "duplicate_of_id",
            "removed_at",
            "transaction_date",
            "department_id",
            "is_software",
            "outside_it",
            "reporting_currency",
            "vendor_id",
            "category",
            "reporting_amount_minor",
            "updated_at",
        ),
        # Candidate vendors' rows by name (migration 0012).
        Index(
            "ix_transactions_candidates",
            "matched_text",
            "department_id",
            "transaction_date",
            sqlite_where=text(_CANDIDATE_ROWS),
            postgresql_where=text(_CANDIDATE_ROWS),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    connection_id: int = Field(foreign_key="connections.id", ondelete="CASCADE")
    external_id: str = Field(max_length=200)
    transaction_date: date
    posted_date: date | None = None
    # Original amount: integer minor units of `currency`; positive = money out, refund negative.
    amount_minor: int = Field(sa_type=BigInteger)
    currency: str = Field(max_length=3)
    # Converted at the transaction date's rate; null until a rate is known.
    reporting_amount_minor: int | None = Field(default=None, sa_type=BigInteger)
    reporting_currency: str | None = Field(default=None, max_length=3)
    descriptor: str = Field(sa_type=Text)
    merchant_name: str | None = Field(default=None, max_length=300)
    mcc: str | None = Field(default=None, max_length=4)
    memo: str | None = Field(default=None, sa_type=Text)
    channel: str = Field(default="card", max_length=20)
    # purchase (spend, refunds included) | payment | transfer | interest | balance: only
    # purchases count as spend (connectors.base.Kind).
    kind: str = Field(default="purchase", max_length=20)
    card_last4: str | None = Field(default=None, max_length=4)
    cardholder_id: int | None = Field(default=None, foreign_key="cardholders.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="departments.id")
    raw: dict[str, Any] = json_field()
    # Hash of the source fields: a re-fetch that changed nothing is skipped.
    source_hash: str | None = Field(default=None, max_length=40)
    # Recognition
    vendor_id: int | None = Field(default=None, foreign_key="vendors.id")
    is_software: bool = False
    category: str | None = Field(default=None, max_length=40)
    confidence: float | None = None
    matched_by: str | None = Field(default=None, max_length=20)
    matched_text: str | None = Field(default=None, max_length=300)
    explanation: str | None = Field(default=None, sa_type=Text)
    reseller_slug: str | None = Field(
        default=None, max_length=120, description="Merchant of record the charge went through"
    )
    classifier_version: str | None = Field(default=None, max_length=40)
    classified_at: datetime | None = ts_field()
    # Whether it counts as bought outside IT (kept current by the findings engine).
    outside_it: bool = False
    # Same charge already stored from another source: counted once, link kept.
    duplicate_of_id: int | None = Field(default=None, foreign_key="transactions.id", index=True)
    removed_at: datetime | None = ts_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class ClassificationPublic(SQLModel):
    vendor_id: int | None
    vendor_name: str | None = None
    is_software: bool
    category: str | None
    confidence: float | None
    matched_by: str | None
    matched_text: str | None
    explanation: str | None
    reseller_slug: str | None = None
    classifier_version: str | None


class TransactionPublic(SQLModel):
    id: int
    connection_id: int
    external_id: str
    transaction_date: date
    posted_date: date | None
    amount_minor: int
    currency: str
    amount: str = Field(description="amount_minor as a decimal string in `currency`")
    reporting_amount_minor: int | None
    reporting_currency: str | None
    descriptor: str
    merchant_name: str | None
    mcc: str | None
    memo: str | None
    channel: str
    kind: str = Field(
        default="purchase",
        description="purchase (spend, refunds included) or payment, transfer, interest, "
        "balance: rows kept out of spend",
    )
    card_last4: str | None
    cardholder_id: int | None
    department_id: int | None
    department_name: str | None = None
    classification: ClassificationPublic
    outside_it: bool
    duplicate_of_id: int | None
    created_at: datetime
