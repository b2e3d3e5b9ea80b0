from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import Keys


def test_healthz_needs_no_key(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok"}
    assert r.headers["x-request-id"]


def test_departments_roundtrip(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/departments", json={"name": "IT", "is_it": True}, headers=keys.headers("admin")
    )
    assert r.status_code == 201, r.text
    r = client.get("/api/v1/departments", headers=keys.headers("viewer"))
    assert r.status_code == 200
    names = [d["name"] for d in r.json()["items"]]
    assert names == ["Marketing", "IT"]
