"""Reading transactions with the filters every list and feed shares."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from app import search
from app.auth.principal import Principal
from app.errors import Unprocessable
from app.kit import lookup
from app.models import ClassificationPublic, Department, Transaction, TransactionPublic, Vendor
from app.periods import Period, resolve
from connectors.money import format_minor


@dataclass(frozen=True, slots=True)
class TransactionFilter:
    date_from: date | None = None
    date_to: date | None = None
    department_id: int | None = None
    vendor_id: int | None = None
    connection_id: int | None = None
    is_software: bool | None = None
    outside_it: bool | None = None
    category: str | None = None
    channel: str | None = None
    q: str | None = None
    include_duplicates: bool = False
    # Spend only by default (purchases and refunds), so every list and feed totals the same
    # rows; None lists every kind (card payments, transfers, interest, balance lines too).
    kind: str | None = "purchase"


def scoped_filter(flt: TransactionFilter, principal: Principal) -> TransactionFilter:
    """Department-scoped keys only ever see their own department's rows."""
    if not principal.scoped:
        return flt
    return dataclasses.replace(flt, department_id=principal.department_filter(flt.department_id))


def in_period(flt: TransactionFilter, today: date) -> tuple[TransactionFilter, Period]:
    """``flt`` narrowed to its period: the one it names, or the default period (the last 12
    full months) when it names neither end. Figures use it; the transaction list does not."""
    period = resolve(flt.date_from, flt.date_to, today)
    return dataclasses.replace(flt, date_from=period.date_from, date_to=period.date_to), period


def apply_filter(
    stmt: SelectOfScalar[Transaction], flt: TransactionFilter
) -> SelectOfScalar[Transaction]:
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise Unprocessable("`from` is after `to`")
    stmt = stmt.where(col(Transaction.removed_at).is_(None))
    if not flt.include_duplicates:
        stmt = stmt.where(col(Transaction.duplicate_of_id).is_(None))
    if flt.date_from:
        stmt = stmt.where(Transaction.transaction_date >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(Transaction.transaction_date <= flt.date_to)
    if flt.department_id is not None:
        stmt = stmt.where(Transaction.department_id == flt.department_id)
    if flt.vendor_id is not None:
        stmt = stmt.where(Transaction.vendor_id == flt.vendor_id)
    if flt.connection_id is not None:
        stmt = stmt.where(Transaction.connection_id == flt.connection_id)
    if flt.is_software is not None:
        stmt = stmt.where(Transaction.is_software == flt.is_software)
    if flt.outside_it is not None:
        stmt = stmt.where(Transaction.outside_it == flt.outside_it)
    if flt.category:
        stmt = stmt.where(Transaction.category == flt.category)
    if flt.channel:
        stmt = stmt.where(Transaction.channel == flt.channel)
    if flt.kind is not None:
        stmt = stmt.where(Transaction.kind == flt.kind)
    if flt.q:
        stmt = stmt.where(
            search.contains(
                flt.q, Transaction.descriptor, Transaction.merchant_name, Transaction.memo
            )
        )
    return stmt


def to_public(rows: list[Transaction], session: Session) -> list[TransactionPublic]:
    vendor_ids = {r.vendor_id for r in rows if r.vendor_id is not None}
    dept_ids = {r.department_id for r in rows if r.department_id is not None}
    # Names only: loading whole catalog rows (aliases, descriptors) cost more than the page.
    vendors = lookup.names_by_id(session, Vendor, vendor_ids)
    depts = lookup.names_by_id(session, Department, dept_ids)
    out = []
    for r in rows:
        assert r.id is not None
        out.append(
            TransactionPublic(
                id=r.id,
                connection_id=r.connection_id,
                external_id=r.external_id,
                transaction_date=r.transaction_date,
                posted_date=r.posted_date,
                amount_minor=r.amount_minor,
                currency=r.currency,
                amount=format_minor(r.amount_minor, r.currency),
                reporting_amount_minor=r.reporting_amount_minor,
                reporting_currency=r.reporting_currency,
                descriptor=r.descriptor,
                merchant_name=r.merchant_name,
                mcc=r.mcc,
                memo=r.memo,
                channel=r.channel,
                kind=r.kind,
                card_last4=r.card_last4,
                cardholder_id=r.cardholder_id,
                department_id=r.department_id,
                department_name=depts.get(r.department_id) if r.department_id else None,
                classification=ClassificationPublic(
                    vendor_id=r.vendor_id,
                    vendor_name=vendors.get(r.vendor_id) if r.vendor_id else None,
                    is_software=r.is_software,
                    category=r.category,
                    confidence=r.confidence,
                    matched_by=r.matched_by,
                    matched_text=r.matched_text,
                    explanation=r.explanation,
                    reseller_slug=r.reseller_slug,
                    classifier_version=r.classifier_version,
                ),
                outside_it=r.outside_it,
                duplicate_of_id=r.duplicate_of_id,
                created_at=r.created_at,
            )
        )
    return out
