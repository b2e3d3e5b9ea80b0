"""Rows inserted without any trigger (SQLite reads them by id) reach the findings, also when
SQLite hands out again the id of a deleted newest row."""

from __future__ import annotations

from datetime import date

import pytest
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


def test_reasons_that_expire_with_the_calendar_are_re_read_daily(session: Session) -> None:
    """No transaction changes, yet "new vendor" and "recurring" stop being true as days pass;
    the daily housekeeping's refresh_all re-reads them and writes only what changed."""
    conn = factories.connection(session)
    dept = factories.department(session, "Growth").id or 0
    vendor = factories.vendor(session, "Canva").id or 0
    for day in (1, 8, 15):
        factories.transaction(
            session,
            conn,
            on=date(2026, 3, day),
            amount_minor=1_500,
            department_id=dept,
            vendor_id=vendor,
            category="design",
            is_software=True,
            outside_it=True,
        )
    engine.refresh(session, [vendor], today=date(2026, 3, 16))
    found = _finding(session, vendor, dept)
    assert found is not None
    before = [r["code"] for r in found.severity_reasons]
    assert "new_vendor" in before, before
    assert "recurring" in before, before
    score = found.severity_score
    assert found.cadence == "weekly"

    assert engine.refresh_all(session, today=date(2026, 3, 17)).updated == 0  # nothing aged

    result = engine.refresh_all(session, today=date(2026, 8, 1))
    session.refresh(found)
    assert result.updated == 1
    assert not {"new_vendor", "recurring"} & {r["code"] for r in found.severity_reasons}
    assert found.cadence is None
    assert found.severity_score < score


def test_the_daily_housekeeping_re_reads_findings_and_loads_the_ecb_rates(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from contextlib import nullcontext

    from app import scheduler
    from app.fx import ecb
    from app.fx import service as fx_service

    aged: list[date | None] = []
    loads: list[Session] = []

    def offline(s: Session) -> None:
        loads.append(s)
        raise ecb.EcbUnavailable("no route to host")

    monkeypatch.setattr(
        engine, "refresh_all", lambda s, today=None: aged.append(today) or engine.RefreshResult()
    )
    monkeypatch.setattr(fx_service, "refresh_ecb_rates", offline)  # no network in tests
    scheduler.daily_housekeeping(
        work=lambda: nullcontext(session)
    )  # an offline machine: logged, not raised
    assert aged == [None]  # as of today
    assert loads == [session]
    assert "ECB rate refresh failed (no route to host)" in caplog.text


def test_reasons_stored_before_they_were_data_are_re_read_once(session: Session) -> None:
    """Migration 0010 keeps old reason lines as legacy; shadowspend migrate re-reads them."""
    conn = factories.connection(session)
    dept = factories.department(session, "Growth").id or 0
    vendor = factories.vendor(session, "Canva").id or 0
    factories.transaction(
        session,
        conn,
        on=date(2026, 3, 1),
        amount_minor=90_000,
        department_id=dept,
        vendor_id=vendor,
        is_software=True,
        outside_it=True,
    )
    engine.refresh(session, [vendor], today=date(2026, 3, 16))
    found = _finding(session, vendor, dept)
    assert found is not None
    found.severity_reasons = [
        {"code": "legacy", "points": 0, "scope": "finding", "text": "spend: 900.00 USD a year"}
    ]
    session.add(found)
    session.flush()
    assert engine.reread_legacy(session, today=date(2026, 3, 16)) is True
    session.refresh(found)
    assert found.severity_reasons[0]["code"] == "spend"
    assert engine.reread_legacy(session, today=date(2026, 3, 16)) is False
