"""The candidate-vendors page: listed by spend, confirmed or rejected from the browser."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import MatchRule, Vendor
from tests.dashboard.conftest import sign_in

STATEMENT = (
    "Date,Description,Amount\n"
    "03/02/2026,PADDLE.NET* QUILLSTACK,29.00\n"
    "03/05/2026,ZORBLATT BACKUP SOFTWARE 8005550100 CA,12.00\n"
)


def _import(client: TestClient, keys: Any) -> None:
    r = client.post(
        "/api/v1/imports",
        files={"file": ("x.csv", STATEMENT.encode(), "text/csv")},
        data={"preset": "amex", "connection": "Corporate Amex"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text


def test_candidates_page_lists_and_decides(client: TestClient, keys: Any, session: Session) -> None:
    _import(client, keys)
    token = sign_in(client, keys.it)
    page = client.get("/candidates")
    assert page.status_code == 200
    assert "Quillstack" in page.text
    assert "Zorblatt Backup Software" in page.text
    assert 'href="/candidates"' in page.text  # in the navigation
    r = client.post(
        "/candidates/decision",
        data={
            "name": "Quillstack",
            "decision": "confirm",
            "csrf_token": token,
            "category": "productivity",
        },
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    vendor = session.exec(select(Vendor).where(Vendor.name == "Quillstack")).one()
    assert vendor.category == "productivity"
    r = client.post(
        "/candidates/decision",
        data={"name": "Zorblatt Backup Software", "decision": "reject", "csrf_token": token},
        headers={"Origin": "http://testserver"},
        follow_redirects=True,
    )
    assert "marked as not software" in r.text
    assert session.exec(select(MatchRule)).all()
    assert "No candidate vendors" in client.get("/candidates").text


def test_decisions_need_the_form_token(client: TestClient, keys: Any) -> None:
    _import(client, keys)
    sign_in(client, keys.it)
    r = client.post(
        "/candidates/decision",
        data={"name": "Quillstack", "decision": "confirm", "csrf_token": "wrong"},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert r.status_code == 403


def test_marketing_may_not_see_candidates(client: TestClient, keys: Any) -> None:
    sign_in(client, keys.marketing)
    assert client.get("/candidates").status_code == 403
