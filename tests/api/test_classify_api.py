from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import Transaction, Vendor
from tests.factories import Keys


def test_classify_batch_explains_itself(client: TestClient, keys: Keys) -> None:
    items = [
        {"descriptor": "ZOOM.US 888-799-9666 CA"},
        {"descriptor": "SQ *BLUE BOTTLE COFFEE", "mcc": "5814"},
        {"descriptor": ""},
        {"descriptor": "🙂" * 50},
    ]
    r = client.post("/api/v1/classify", json={"items": items}, headers=keys.headers("viewer"))
    assert r.status_code == 200, r.text
    out = r.json()["items"]
    assert out[0]["is_software"] is True
    assert out[0]["vendor"].lower().startswith("zoom")
    assert out[0]["vendor_id"] is not None
    assert out[0]["explanation"]
    assert out[1]["is_software"] is False
    assert out[2]["matched_by"] == "none"
    assert out[3]["matched_by"] == "none"


def test_classify_limits(client: TestClient, keys: Keys) -> None:
    h = keys.headers("admin")
    assert client.post("/api/v1/classify", json={"items": []}, headers=h).status_code == 422
    many = {"items": [{"descriptor": "X"}] * 1001}
    assert client.post("/api/v1/classify", json=many, headers=h).status_code == 422


def test_rule_reclassifies_history(client: TestClient, keys: Keys, session: Session) -> None:
    csv = "Date,Description,Amount\n01/02/2026,ACME WIDGETS PORTAL 555-0100,99.00\n"
    r = client.post(
        "/api/v1/imports",
        files={"file": ("a.csv", csv.encode(), "text/csv")},
        data={"preset": "amex"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    row = session.exec(select(Transaction)).one()
    assert row.matched_by != "rule"
    vendor = client.post(
        "/api/v1/vendors",
        json={"slug": "acme-widgets", "name": "Acme Widgets", "category": "productivity"},
        headers=keys.headers("admin"),
    )
    assert vendor.status_code == 201, vendor.text
    rule = client.post(
        "/api/v1/match-rules",
        json={"pattern": "ACME WIDGETS", "kind": "contains", "vendor_id": vendor.json()["id"]},
        headers=keys.headers("it"),
    )
    assert rule.status_code == 201, rule.text
    assert rule.json()["reclassified"]["changed"] == 1
    session.refresh(row)
    assert row.matched_by == "rule"
    assert row.is_software is True
    assert session.get(Vendor, row.vendor_id).slug == "acme-widgets"  # type: ignore[union-attr]
    # deleting the rule puts history back
    gone = client.delete(f"/api/v1/match-rules/{rule.json()['id']}", headers=keys.headers("it"))
    assert gone.json()["reclassified"]["changed"] == 1
    session.refresh(row)
    assert row.matched_by != "rule"


def test_bad_regex_rule_is_422(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/match-rules",
        json={"pattern": "(", "kind": "regex", "vendor_id": None},
        headers=keys.headers("it"),
    )
    assert r.status_code == 422


def test_reclassify_job(client: TestClient, keys: Keys) -> None:
    r = client.post("/api/v1/reclassify", headers=keys.headers("admin"))
    assert r.status_code == 202
    job = client.get(f"/api/v1/jobs/{r.json()['id']}", headers=keys.headers("admin")).json()
    assert job["status"] == "succeeded", job
