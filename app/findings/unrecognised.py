"""Findings for unrecognised software: candidate vendors bought outside IT.

A candidate vendor is software recognition named without a catalog vendor: a product printed
after a merchant of record (``matched_by="product"``) or a long-tail seller found by its
evidence (``"discovered"``), its name in ``matched_text`` (see :mod:`app.candidates.service`).
Its spend outside IT raises findings of its own, one per (candidate name, department) while
live, with ``vendor_id`` None and the name in ``candidate_name``: assessed, saved and retired
exactly as a vendor's (:mod:`app.findings.totals`).

The days are read from the candidate's own rows (``ix_transactions_candidates``), not from
``finding_days``, which keys on vendors: a candidate's rows are the few the catalog does not
know, and a refresh reads only the candidates it is given. Confirming a candidate moves its
findings onto the new vendor (:func:`adopt`); rejecting it closes them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, text, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.findings import severity, totals
from app.models import Finding, Transaction
from app.models.governance import LIVE_STATUSES
from app.models.transactions import CANDIDATE_METHODS, candidate_rows_sql

_CHUNK = 500
# Literal terms, so that SQLite may use the partial index over candidate rows.
_INDEXED = text(candidate_rows_sql(Transaction.__tablename__))


def candidate_rows() -> ColumnElement[bool]:
    """A candidate vendor's rows: software named without a catalog vendor, counted once."""
    return and_(
        _INDEXED,
        col(Transaction.is_software).is_(True),
        col(Transaction.matched_text).is_not(None),
        col(Transaction.removed_at).is_(None),
        col(Transaction.duplicate_of_id).is_(None),
    )


def candidate_of(
    vendor_id: int | None, matched_by: str | None, matched_text: str | None
) -> str | None:
    """The candidate a classified row belongs to, if any."""
    if vendor_id is None and matched_by in CANDIDATE_METHODS and matched_text:
        return matched_text
    return None


def live_findings(session: Session, name: str) -> list[Finding]:
    stmt = select(Finding).where(
        col(Finding.vendor_id).is_(None),
        col(Finding.candidate_name) == name,
        col(Finding.status).in_(LIVE_STATUSES),
    )
    return list(session.exec(stmt))


def _days(session: Session, names: list[str] | None) -> list[Any]:
    """Per (candidate, department key, day), the sums ``finding_days`` keeps for vendors."""
    amount = func.coalesce(col(Transaction.reporting_amount_minor), 0)
    department_key = func.coalesce(col(Transaction.department_id), 0)
    stmt = sa_select(
        col(Transaction.matched_text),
        department_key,
        # As the engine reads days: the driver's value, parsed once.
        type_coerce(col(Transaction.transaction_date), String),
        func.count(),
        func.sum(amount),
        func.sum(case((amount > 0, amount), else_=0)),
        func.sum(case((col(Transaction.channel) == "reimbursement", 1), else_=0)),
        func.sum(case((col(Transaction.reseller_slug).is_not(None), 1), else_=0)),
    ).where(candidate_rows(), col(Transaction.outside_it).is_(True))
    if names is not None:
        stmt = stmt.where(col(Transaction.matched_text).in_(names))
    stmt = stmt.group_by(
        col(Transaction.matched_text), department_key, col(Transaction.transaction_date)
    ).order_by(col(Transaction.matched_text), department_key, col(Transaction.transaction_date))
    return list(session.execute(stmt).all())


def _categories(session: Session, names: list[str]) -> dict[str, str | None]:
    stmt = (
        sa_select(col(Transaction.matched_text), func.max(col(Transaction.category)))
        .where(candidate_rows(), col(Transaction.matched_text).in_(names))
        .group_by(col(Transaction.matched_text))
    )
    return {name: category for name, category in session.execute(stmt)}  # noqa: C416 - rows


def refresh(
    session: Session,
    names: Iterable[str | None] | None,
    *,
    today: date,
    currency: str,
    result: totals.RefreshResult,
) -> None:
    """Bring the findings of these candidates (every candidate when ``names`` is None) up to
    date with their outside-IT rows."""
    if names is None:
        live = select(Finding.candidate_name).where(
            col(Finding.vendor_id).is_(None), col(Finding.status).in_(LIVE_STATUSES)
        )
        found = {n for (n,) in session.execute(_days_names())} | {
            n for n in session.exec(live) if n
        }
        wanted = sorted(found)
    else:
        wanted = sorted({n for n in names if n})
    for start in range(0, len(wanted), _CHUNK):
        _refresh_chunk(session, wanted[start : start + _CHUNK], today, currency, result)


def _days_names() -> Any:
    return (
        sa_select(col(Transaction.matched_text))
        .where(candidate_rows(), col(Transaction.outside_it).is_(True))
        .distinct()
    )


def _refresh_chunk(
    session: Session,
    names: list[str],
    today: date,
    currency: str,
    result: totals.RefreshResult,
) -> None:
    existing = {
        (f.candidate_name, f.department_id): f
        for f in session.exec(
            select(Finding).where(
                col(Finding.vendor_id).is_(None),
                col(Finding.candidate_name).in_(names),
                col(Finding.status).in_(LIVE_STATUSES),
            )
        )
    }
    session.flush()
    aggregates, charges = totals.accumulate(_days(session, names), today)
    buying: dict[str, set[int | None]] = defaultdict(set)
    first_seen: dict[str, date] = {}
    for (name, did), agg in aggregates.items():
        buying[name].add(did)
        first_seen[name] = min(first_seen.get(name, agg[2]), agg[2])
    categories = _categories(session, names) if aggregates else {}
    model = severity.Model.from_settings()
    for key, agg in aggregates.items():
        name, did = key
        facts = severity.VendorFacts(
            departments=len(buying[name]),
            category=categories.get(name),
            first_seen=first_seen.get(name),
        )
        values = totals.assess(agg, charges[key], facts, today, currency, model)
        totals.save(
            session,
            existing.get(key),
            values,
            {"vendor_id": None, "candidate_name": name, "department_id": did},
            result,
        )
    for key, finding in existing.items():
        if key not in aggregates:
            totals.retire(session, finding, result)
    session.flush()
