"""Re-apply the outside-IT rule to stored rows after the policy changed (a vendor sanctioned or
retired, a department marked IT, a connection marked as an IT channel)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.findings.policy import OutsideItPolicy
from app.models import Transaction


def recompute(
    session: Session,
    vendor_ids: list[int] | None = None,
    *,
    department_id: int | None = None,
    connection_id: int | None = None,
) -> set[int]:
    """Refresh ``outside_it`` on the rows of these vendors (all rows when None), narrowed to
    one department's or one connection's rows when given; returns the vendors whose rows
    changed."""
    session.flush()  # the policy reads the departments, connections and inventory as changed
    policy = OutsideItPolicy(session)
    stmt = select(
        col(Transaction.id),
        col(Transaction.is_software),
        col(Transaction.vendor_id),
        col(Transaction.department_id),
        col(Transaction.connection_id),
        col(Transaction.outside_it),
    ).where(col(Transaction.is_software).is_(True))
    if vendor_ids is not None:
        if not vendor_ids:
            return set()
        stmt = stmt.where(col(Transaction.vendor_id).in_(vendor_ids))
    if department_id is not None:
        stmt = stmt.where(col(Transaction.department_id) == department_id)
    if connection_id is not None:
        stmt = stmt.where(col(Transaction.connection_id) == connection_id)
    changes: list[dict[str, object]] = []
    touched: set[int] = set()
    for tid, is_software, vendor_id, dept_id, conn_id, current in session.execute(stmt):
        wanted = policy.is_outside(
            is_software=is_software,
            vendor_id=vendor_id,
            department_id=dept_id,
            connection_id=conn_id,
        )
        if wanted != current:
            changes.append({"id": tid, "outside_it": wanted})
            if vendor_id is not None:
                touched.add(vendor_id)
    for start in range(0, len(changes), 5000):
        session.execute(update(Transaction), changes[start : start + 5000])
    return touched


def reapply_for(
    session: Session, *, department_id: int | None = None, connection_id: int | None = None
) -> None:
    """A department was (un)marked IT, or a connection (un)marked as IT's own channel: its
    rows change sides, and the findings of the vendors whose rows changed follow."""
    from app.findings import engine

    engine.refresh(
        session,
        recompute(session, department_id=department_id, connection_id=connection_id),
        candidates=None,  # unrecognised software changes sides too
    )
