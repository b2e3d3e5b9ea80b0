"""/apps shows real first and last days with spend, and an app billed once a year gets an
annualised run-rate (its last 365 days) beside apps whose cadence the subscriptions analysis
found (their running subscription's)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import utcnow
from app.models import Connection, Vendor
from tests.dashboard.conftest import _tx, sign_in


def _charge(
    session: Session, conn: Connection, vendor: Vendor, day: date, minor: int, dept: int
) -> None:
    _tx(
        session,
        conn,
        on=day,
        amount_minor=minor,
        department_id=dept,
        vendor=vendor,
        outside_it=True,
    )


@pytest.fixture
def billed(session: Session, keys: Any) -> dict[str, Any]:
    """One vendor billed once a year (a charge 200 days ago, and one 500 days ago that is
    more than a cycle earlier than the window sees), one billed monthly."""
    conn = Connection(name="Yearly card", connector="csv")
    yearly = Vendor(name="Annualo", slug="annualo-yearly", category="analytics")
    monthly = Vendor(name="Monthify", slug="monthify-monthly", category="analytics")
    session.add_all([conn, yearly, monthly])
    session.flush()
    today = utcnow().date()
    dept = keys.marketing_department_id
    yearly_days = [today - timedelta(days=500), today - timedelta(days=200)]
    for day in yearly_days:
        _charge(session, conn, yearly, day, 1_200_00, dept)
    first_of_month = today.replace(day=1)
    monthly_days = []
    for n in range(1, 5):  # the 10th of the last four months
        month = first_of_month
        for _ in range(n):
            month = (month - timedelta(days=1)).replace(day=1)
        monthly_days.append(month.replace(day=10))
        _charge(session, conn, monthly, month.replace(day=10), 30_00, dept)
    session.commit()
    return {
        "yearly": yearly,
        "monthly": monthly,
        "yearly_days": yearly_days,
        "monthly_days": sorted(monthly_days),
    }


def _row(client: TestClient, vendor: Vendor) -> dict[str, str]:
    text = client.get("/apps.csv", params={"from": "2000-01-01"}).text
    rows = {r["vendor_id"]: r for r in csv.DictReader(io.StringIO(text))}
    return rows[str(vendor.id)]


def test_first_and_last_seen_are_the_days_with_spend(
    client: TestClient, keys: Any, billed: dict[str, Any]
) -> None:
    sign_in(client, keys.it)
    row = _row(client, billed["monthly"])
    assert row["first_seen"] == billed["monthly_days"][0].isoformat()
    assert row["last_seen"] == billed["monthly_days"][-1].isoformat()
    page = client.get("/apps", params={"from": "2000-01-01", "q": "Annualo"}).text
    assert f'<time datetime="{billed["yearly_days"][0].isoformat()}">' in page
    assert f'<time datetime="{billed["yearly_days"][1].isoformat()}">' in page


def test_an_app_billed_once_a_year_has_an_annualised_run_rate(
    client: TestClient, keys: Any, billed: dict[str, Any]
) -> None:
    sign_in(client, keys.it)
    yearly = _row(client, billed["yearly"])
    # the charge inside the last 365 days, once; the older one is not counted
    assert yearly["annual_run_rate_minor"] == str(1_200_00)
    monthly = _row(client, billed["monthly"])
    assert monthly["annual_run_rate_minor"] == str(12 * 30_00)  # the cadence's, not the spend
    page = client.get("/apps", params={"q": "Annualo"}).text
    assert "last 365 days" in page
    detail = client.get(f"/apps/{billed['yearly'].id}").text
    assert 'Annual run-rate</span><span class="kpi-value">USD 1,200.00<' in detail
