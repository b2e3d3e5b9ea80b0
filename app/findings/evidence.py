"""The transactions behind a finding: live ones while it is live, its kept evidence once closed.

A live finding's transactions are its (vendor, department)'s outside-IT rows (not removed, not a
cross-source duplicate): exactly the rows ``finding_days`` sums. When a finding closes, those
rows and their reporting amounts are copied to ``finding_evidence``, so that the closed finding
goes on showing what was decided however the rows change afterwards (sanctioned, re-classified
by the dismissal's rules, re-converted).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.findings import unrecognised
from app.models import Finding, Transaction
from app.models.findings import FindingEvidence
from app.models.governance import CLOSED_STATUSES


def _live_rows(f: Finding) -> list[Any]:
    """The conditions that pick a live finding's transactions."""
    if f.vendor_id is None:  # a candidate vendor's (app.findings.unrecognised)
        conditions = [
            unrecognised.candidate_rows(),
            col(Transaction.matched_text) == f.candidate_name,
        ]
    else:
        conditions = [col(Transaction.vendor_id) == f.vendor_id]
    conditions += [
        col(Transaction.removed_at).is_(None),
        col(Transaction.duplicate_of_id).is_(None),
        col(Transaction.outside_it).is_(True),
    ]
    if f.department_id is None:
        conditions.append(col(Transaction.department_id).is_(None))
    else:
        conditions.append(col(Transaction.department_id) == f.department_id)
    return conditions


def freeze(session: Session, f: Finding) -> int:
    """Keep the transactions behind ``f`` now as its evidence (replacing any kept before);
    returns how many. Call it with the finding's totals current, before the decision moves
    its rows."""
    assert f.id is not None
    drop(session, f)
    stmt = insert(FindingEvidence).from_select(
        ["finding_id", "transaction_id", "reporting_amount_minor"],
        sa_select(
            literal(f.id), col(Transaction.id), col(Transaction.reporting_amount_minor)
        ).where(*_live_rows(f)),
    )
    result = session.execute(stmt)
    return int(getattr(result, "rowcount", 0) or 0)


def drop(session: Session, f: Finding) -> None:
    session.execute(delete(FindingEvidence).where(col(FindingEvidence.finding_id) == f.id))


def transactions(session: Session, f: Finding, limit: int = 200) -> list[Transaction]:
    """The transactions behind ``f``, newest first: its evidence when closed, its outside-IT
    rows while live."""
    stmt = select(Transaction)
    if f.status in CLOSED_STATUSES:
        stmt = stmt.join(
            FindingEvidence, col(FindingEvidence.transaction_id) == col(Transaction.id)
        ).where(col(FindingEvidence.finding_id) == f.id)
    else:
        stmt = stmt.where(*_live_rows(f))
    stmt = stmt.order_by(col(Transaction.transaction_date).desc(), col(Transaction.id).desc())
    return list(session.exec(stmt.limit(limit)))


def kept_totals(session: Session, finding_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per closed finding: (rows kept, sum of their reporting amounts as kept)."""
    if not finding_ids:
        return {}
    rows = session.execute(
        sa_select(
            col(FindingEvidence.finding_id),
            func.count(),
            func.coalesce(func.sum(col(FindingEvidence.reporting_amount_minor)), 0),
        )
        .where(col(FindingEvidence.finding_id).in_(finding_ids))
        .group_by(col(FindingEvidence.finding_id))
    )
    return {fid: (int(n), int(total)) for fid, n, total in rows}
