"""Rows inserted without any trigger (SQLite reads them by id) reach the findings, also when
SQLite hands out again the id of a deleted newest row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.findings import engine
from app.models import Finding, Transaction
from tests.feeds import factories


def _finding(session: Session, vendor_id: int, department_id: int) -> Finding | None:
    return session.exec(
        select(Finding).where(
            Finding.vendor_id == vendor_id, Finding.department_id == department_id
        )
    ).first()


def test_reused_newest_id_still_counts(session: Session) -> None:
    conn = factories.connection(session)
    dept = factories.department(session, "Growth").id or 0
    vendor = factories.vendor(session, "Canva").id or 0
    other = factories.vendor(session, "Miro").id or 0

    def charge(vendor_id: int, on: date, amount: int) -> Transaction:
        return factories.transaction(
            session,
            conn,
            on=on,
            amount_minor=amount,
            department_id=dept,
            vendor_id=vendor_id,
            category="design",
            is_software=True,
            outside_it=True,
        )

    charge(vendor, date(2026, 1, 5), 1_000)
    newest = charge(vendor, date(2026, 2, 5), 2_000)
    engine.refresh(session, [vendor])
    found = _finding(session, vendor, dept)
    assert found is not None
    assert (found.total_reporting_minor, found.transaction_count) == (3_000, 2)

    # The newest row goes; SQLite may give its id to the next row, for another vendor.
    session.execute(delete(Transaction).where(col(Transaction.id) == newest.id))
    session.flush()
    charge(other, date(2026, 3, 5), 700)
    engine.refresh(session, [])
    found = _finding(session, vendor, dept)
    assert found is not None
    assert (found.total_reporting_minor, found.transaction_count) == (1_000, 1)
    miro = _finding(session, other, dept)
    assert miro is not None
    assert (miro.total_reporting_minor, miro.transaction_count) == (700, 1)
