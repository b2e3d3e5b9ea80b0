"""Every list's ``q=`` searches literally: ``%`` and ``_`` are characters, not LIKE wildcards
(issue #14: ``q=%`` listed everything on transactions, findings, cardholders and feeds)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Cardholder, Finding
from tests.factories import Keys
from tests.feeds import factories as f

# Each name holds exactly one of the characters a wildcard would match.
NAMES = ("100% PURE", "ACME_TOOLS", "PLAIN")


@pytest.fixture
def seeded(session: Session) -> None:
    conn = f.connection(session)
    dept = f.department(session, "Ops")
    for name in NAMES:
        vendor = f.vendor(session, name)
        f.transaction(
            session,
            conn,
            on=date(2026, 1, 5),
            amount_minor=1000,
            descriptor=name,
            department_id=dept.id,
            vendor_id=vendor.id,
            is_software=True,
            outside_it=True,
        )
        assert vendor.id is not None
        session.add(Finding(vendor_id=vendor.id, department_id=dept.id))
        session.add(Cardholder(name=name, email=f"{name[:3].lower()}@example.com"))
    session.flush()


def _texts(client: TestClient, keys: Keys, path: str, q: str) -> list[str]:
    params = {"q": q}
    if "/feeds/spend" in path:  # one row per vendor
        params |= {"group_by": "vendor", "from": "2026-01-01", "to": "2026-01-31"}
    r = client.get(path, params=params, headers=keys.headers("admin"))
    assert r.status_code == 200, r.text
    body = r.json()
    if "/feeds/spend" in path:
        return [row["vendor_name"] for row in body["rows"] if row.get("vendor_name")]
    items = body["items"]
    if path.endswith("/transactions"):
        return [t["descriptor"] for t in items]
    if path.endswith("/findings"):
        return [x["vendor"]["name"] for x in items]
    return [c["name"] for c in items]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/transactions", "/api/v1/findings", "/api/v1/cardholders", "/api/v1/feeds/spend"],
)
@pytest.mark.parametrize(("q", "expected"), [("%", "100% PURE"), ("_", "ACME_TOOLS")])
def test_q_is_literal(
    client: TestClient, keys: Keys, seeded: None, path: str, q: str, expected: str
) -> None:
    found = _texts(client, keys, path, q)
    assert len(found) == 1, found
    assert found[0].startswith(expected)
