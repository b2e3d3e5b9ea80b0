"""Candidate vendors: software the catalog lacks, collected from imported statements, then
confirmed into the catalog or rejected as not software, each audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, MatchRule, Transaction, Vendor
from tests.factories import Keys

STATEMENT = (
    "Date,Description,Amount\n"
    "03/02/2026,PADDLE.NET* QUILLSTACK,29.00\n"
    "04/02/2026,PADDLE.NET* QUILLSTACK,29.00\n"
    "03/05/2026,ZORBLATT BACKUP SOFTWARE 8005550100 CA,12.00\n"
    "03/06/2026,SQ *BLUE BOTTLE COFFEE,6.50\n"
    "03/07/2026,FIGMA SAN FRANCISCO CA,45.00\n"
)


def _import(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/imports",
        files={"file": ("x.csv", STATEMENT.encode(), "text/csv")},
        data={"preset": "amex", "connection": "Corporate Amex"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text


def test_candidates_are_listed_by_spend_and_paginate(client: TestClient, keys: Keys) -> None:
    _import(client, keys)
    h = keys.headers("it")
    r = client.get("/api/v1/vendors/candidates", headers=h)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [c["name"] for c in items] == ["Quillstack", "Zorblatt Backup Software"]
    top = items[0]
    assert top["transactions"] == 2
    assert top["resellers"] == ["paddle"]
    assert top["descriptors"] == ["PADDLE.NET* QUILLSTACK"]
    assert top["first_seen"] == "2026-03-02"
    assert top["last_seen"] == "2026-04-02"
    assert "Paddle" in top["evidence"]
    first = client.get("/api/v1/vendors/candidates?limit=1", headers=h).json()
    assert [c["name"] for c in first["items"]] == ["Quillstack"]
    second = client.get(
        f"/api/v1/vendors/candidates?limit=1&cursor={first['next_cursor']}", headers=h
    ).json()
    assert [c["name"] for c in second["items"]] == ["Zorblatt Backup Software"]
    assert second["next_cursor"] is None
    assert client.get("/api/v1/vendors/candidates?cursor=junk", headers=h).status_code == 400
    assert (
        client.get("/api/v1/vendors/candidates", headers=keys.headers("marketing")).status_code
        == 403
    )


def test_confirm_adds_a_vendor_and_moves_history_onto_it(
    client: TestClient, keys: Keys, session: Session
) -> None:
    _import(client, keys)
    r = client.post(
        "/api/v1/vendors/candidates/confirm",
        json={"name": "Quillstack", "category": "productivity"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["reclassified"] == 2
    vendor = session.get(Vendor, body["vendor_id"])
    assert vendor is not None
    assert (vendor.name, vendor.source, vendor.category) == ("Quillstack", "custom", "productivity")
    rows = session.exec(select(Transaction).where(Transaction.vendor_id == vendor.id)).all()
    assert len(rows) == 2
    assert all(t.is_software and t.reseller_slug == "paddle" for t in rows)
    names = [
        c["name"]
        for c in client.get("/api/v1/vendors/candidates", headers=keys.headers("it")).json()[
            "items"
        ]
    ]
    assert names == ["Zorblatt Backup Software"]
    actions = {e.action for e in session.exec(select(AuditEvent))}
    assert {"vendor.created", "candidate.confirmed"} <= actions
    again = client.post(
        "/api/v1/vendors/candidates/confirm",
        json={"name": "Quillstack"},
        headers=keys.headers("it"),
    )
    assert again.status_code == 404


def test_reject_marks_not_software_with_a_rule(
    client: TestClient, keys: Keys, session: Session
) -> None:
    _import(client, keys)
    r = client.post(
        "/api/v1/vendors/candidates/reject",
        json={"name": "Zorblatt Backup Software", "comment": "a hardware shop"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["reclassified"] == 1
    rule = session.get(MatchRule, r.json()["rule_id"])
    assert rule is not None
    assert rule.vendor_id is None
    row = session.exec(
        select(Transaction).where(Transaction.descriptor.startswith("ZORBLATT"))  # type: ignore[attr-defined]
    ).one()
    assert (row.is_software, row.matched_by) == (False, "rule")
    actions = {e.action for e in session.exec(select(AuditEvent))}
    assert {"rule.created", "candidate.rejected"} <= actions
    missing = client.post(
        "/api/v1/vendors/candidates/reject", json={"name": "Nobody"}, headers=keys.headers("it")
    )
    assert missing.status_code == 404
