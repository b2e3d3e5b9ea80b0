"""Renewals that matter: contracts (by their notice deadline) and subscriptions' next charges,
most valuable first, paginated like every list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Connection, Department, SanctionedApp, Transaction, Vendor
from tests.factories import Keys


def _vendor(session: Session, slug: str) -> Vendor:
    row = session.exec(select(Vendor).where(Vendor.slug == slug)).one()
    assert row.id is not None
    return row


def test_contracts_by_their_notice_and_subscriptions_by_value(
    client: TestClient, keys: Keys, session: Session
) -> None:
    today = datetime.now(UTC).date()
    sales = Department(name="Sales")
    conn = Connection(name="cards", connector="file")
    session.add_all([sales, conn])
    session.flush()

    def contract(slug: str, ends_in: int, notice: int | None, value: int | None) -> None:
        session.add(
            SanctionedApp(
                vendor_id=_vendor(session, slug).id,
                contract_start=today - timedelta(days=400),
                contract_end=today + timedelta(days=ends_in),
                notice_days=notice,
                annual_value_minor=value,
                currency="USD" if value is not None else None,
            )
        )

    contract("salesforce", 100, 30, 3_600_000)  # act by day 70: listed
    contract("slack", 200, None, 9_000_000)  # ends after the horizon, no notice: not yet
    contract("okta", 150, 90, 500_000)  # act by day 60: listed
    contract("zoom", -10, None, 100_000)  # ended 10 days ago, no renewal recorded
    contract("docusign", -60, None, 200_000)  # ended long ago: not a renewal any more
    # A monthly subscription bought outside IT, and Okta's own card charges (the contract's)
    for vendor, amount in (("asana", 40_000), ("okta", 41_000)):
        for i in range(4):
            session.add(
                Transaction(
                    connection_id=conn.id,
                    external_id=f"{vendor}-{i}",
                    transaction_date=today - timedelta(days=10 + 30 * i),
                    amount_minor=amount,
                    currency="USD",
                    reporting_amount_minor=amount,
                    reporting_currency="USD",
                    descriptor=vendor.upper(),
                    department_id=sales.id,
                    vendor_id=_vendor(session, vendor).id,
                    is_software=True,
                    outside_it=vendor == "asana",
                )
            )
    session.commit()

    got = client.get("/api/v1/subscriptions/renewals", headers=keys.headers("it")).json()
    listed = [(r["kind"], r["vendor"]["name"], r["annual_value_minor"]) for r in got["items"]]
    assert listed == [
        ("contract", "Salesforce", 3_600_000),
        ("contract", "Okta", 500_000),
        ("subscription", "Asana", 480_000),
        ("contract", "Zoom", 100_000),
    ]
    salesforce, okta, _, zoom = got["items"]
    assert salesforce["act_by"] == (today + timedelta(days=70)).isoformat()
    assert salesforce["notice_days"] == 30
    assert okta["act_by"] == (today + timedelta(days=60)).isoformat()
    assert zoom["overdue"] is True
    assert got["next_cursor"] is None

    pages, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get(
            "/api/v1/subscriptions/renewals", params=params, headers=keys.headers("it")
        ).json()
        pages += [r["id"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == [r["id"] for r in got["items"]]
