"""Dashboard test helpers: sign in through the real login form, and a small spend data set."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.db import utcnow
from app.models import Connection, Department, Finding, Transaction, Vendor

# The browser tests' fixtures (module-scoped: each browser test module gets its own server).
from tests.dashboard.browser_kit import artifacts, browser, live  # noqa: F401

_seq = itertools.count(1)


def login_csrf(client: TestClient) -> str:
    """The pre-sign-in token the login form carries (and its cookie, now in the jar)."""
    page = client.get("/login")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def sign_in(client: TestClient, key: str) -> str:
    """Sign in through the form; returns the session's CSRF token (from its cookie)."""
    token = login_csrf(client)
    response = client.post(
        "/login",
        data={"api_key": key, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(client.cookies["ss_csrf"])


def chart_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    assert found is not None
    charts = json.loads(found.group(1))["charts"]
    return {c["id"]: c for c in charts}


@dataclass(frozen=True)
class Spend:
    marketing_id: int
    sales_id: int
    slack_id: int
    figma_id: int
    finding_id: int
    days: list[date]


def _tx(
    session: Session,
    conn: Connection,
    *,
    on: date,
    amount_minor: int,
    department_id: int | None,
    vendor: Vendor | None,
    outside_it: bool,
    is_software: bool = True,
) -> None:
    assert conn.id is not None
    session.add(
        Transaction(
            connection_id=conn.id,
            external_id=f"dash-{next(_seq)}",
            transaction_date=on,
            amount_minor=amount_minor,
            currency="USD",
            reporting_amount_minor=amount_minor,
            reporting_currency="USD",
            descriptor=f"{vendor.name.upper() if vendor else 'COFFEE SHOP'} CHARGE",
            department_id=department_id,
            vendor_id=vendor.id if vendor else None,
            category=vendor.category if vendor else None,
            is_software=is_software,
            outside_it=outside_it,
        )
    )


def make_finding(session: Session, vendor_id: int, department_id: int | None, **fields: Any) -> int:
    """An open finding (committed); returns its id."""
    values: dict[str, Any] = {
        "status": "open",
        "severity": "medium",
        "severity_score": 2,
        "total_reporting_minor": 297_00,
        "transaction_count": 3,
        **fields,
    }
    row = Finding(vendor_id=vendor_id, department_id=department_id, **values)
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


@pytest.fixture
def spend(session: Session, keys: Any) -> Spend:
    """Two departments (the keys' Marketing and a Sales), two vendors, spend in three recent
    months, and one open finding for Marketing."""
    n = next(_seq)
    conn = Connection(name=f"Dashboard card {n}", connector="csv")
    sales = Department(name=f"Sales {n}")
    slack = Vendor(name=f"Chatter {n}", slug=f"dash-chatter-{n}", category="communication")
    figma = Vendor(name=f"Sketchy {n}", slug=f"dash-sketchy-{n}", category="design")
    session.add_all([conn, sales, slack, figma])
    session.flush()
    assert sales.id is not None
    assert slack.id is not None
    assert figma.id is not None
    marketing = keys.marketing_department_id
    # The 15th of each of the last three full months: inside the default period whatever today is.
    first = utcnow().date().replace(day=1)
    days = []
    for _ in range(3):
        first = (first - timedelta(days=1)).replace(day=1)
        days.append(first.replace(day=15))
    for day in days:
        _tx(
            session,
            conn,
            on=day,
            amount_minor=12_00,
            department_id=marketing,
            vendor=slack,
            outside_it=True,
        )
        _tx(
            session,
            conn,
            on=day,
            amount_minor=45_00,
            department_id=marketing,
            vendor=figma,
            outside_it=False,
        )
        _tx(
            session,
            conn,
            on=day,
            amount_minor=99_00,
            department_id=sales.id,
            vendor=figma,
            outside_it=True,
        )
        _tx(
            session,
            conn,
            on=day,
            amount_minor=7_50,
            department_id=sales.id,
            vendor=None,
            outside_it=False,
            is_software=False,
        )
    finding_id = make_finding(
        session,
        slack.id,
        marketing,
        severity="high",
        severity_score=3,
        total_reporting_minor=36_00,
        first_seen_date=days[-1],
        last_seen_date=days[0],
    )
    return Spend(
        marketing_id=marketing,
        sales_id=sales.id,
        slack_id=slack.id,
        figma_id=figma.id,
        finding_id=finding_id,
        days=days,
    )
