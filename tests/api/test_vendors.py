from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.classification.service import sync_builtin_catalog
from app.models import Vendor
from tests.factories import Keys


def test_custom_and_edited_vendors_survive_a_catalog_upgrade(
    client: TestClient, keys: Keys, session: Session
) -> None:
    h = keys.headers("admin")
    custom = client.post(
        "/api/v1/vendors",
        json={
            "slug": "inhouse-crm",
            "name": "Inhouse CRM",
            "category": "sales_crm",
            "aliases": ["IHCRM"],
            "descriptors": ["IHCRM SUBSCRIPTION"],
        },
        headers=h,
    )
    assert custom.status_code == 201, custom.text
    zoom = session.exec(select(Vendor).where(Vendor.slug == "zoom")).one()
    edited = client.patch(
        f"/api/v1/vendors/{zoom.id}", json={"aliases": [*zoom.aliases, "ZOOMIES"]}, headers=h
    )
    assert edited.status_code == 200
    assert edited.json()["edited"] is True
    result = sync_builtin_catalog(session)
    assert result.kept_edited >= 1
    session.refresh(zoom)
    assert "ZOOMIES" in zoom.aliases
    assert session.exec(select(Vendor).where(Vendor.slug == "inhouse-crm")).one().source == "custom"
    # the new vendor is recognised at once
    r = client.post(
        "/api/v1/classify", json={"items": [{"descriptor": "IHCRM SUBSCRIPTION 0042"}]}, headers=h
    )
    assert r.json()["items"][0]["vendor_slug"] == "inhouse-crm"


def test_vendor_validation(client: TestClient, keys: Keys) -> None:
    h = keys.headers("admin")
    bad = client.post(
        "/api/v1/vendors", json={"slug": "x", "name": "X", "category": "nope"}, headers=h
    )
    assert bad.status_code == 422
    dup = client.post("/api/v1/vendors", json={"slug": "zoom", "name": "Zoom again"}, headers=h)
    assert dup.status_code == 409
    listed = client.get("/api/v1/vendors?q=zoom", headers=keys.headers("viewer"))
    assert any(v["slug"] == "zoom" for v in listed.json()["items"])


def test_vendor_search_takes_percent_and_underscore_literally(
    client: TestClient, keys: Keys
) -> None:
    h = keys.headers("admin")
    made = client.post(
        "/api/v1/vendors", json={"slug": "fifty-pct", "name": "50% Off_Tools"}, headers=h
    )
    assert made.status_code == 201, made.text
    for q, expected in [("%", ["fifty-pct"]), ("_t", ["fifty-pct"]), ("0% off", ["fifty-pct"])]:
        listed = client.get("/api/v1/vendors", params={"q": q, "limit": 200}, headers=h).json()
        assert [v["slug"] for v in listed["items"]] == expected, q
    # a plain query still matches name or slug, any case
    listed = client.get("/api/v1/vendors", params={"q": "FIFTY"}, headers=h).json()
    assert [v["slug"] for v in listed["items"]] == ["fifty-pct"]
