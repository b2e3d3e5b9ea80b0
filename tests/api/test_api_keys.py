from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import ApiKey, AuditEvent
from tests.factories import Keys


def test_key_is_shown_once_and_stored_hashed(
    client: TestClient, keys: Keys, session: Session
) -> None:
    r = client.post(
        "/api/v1/api-keys",
        json={"name": "bi tool", "role": "finance"},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 201
    clear = r.json()["key"]
    row = session.exec(select(ApiKey).where(ApiKey.name == "bi tool")).one()
    assert clear not in row.key_hash
    assert clear.startswith(row.prefix)
    listed = client.get("/api/v1/api-keys", headers=keys.headers("admin")).text
    assert clear not in listed
    assert "key_hash" not in listed
    # the new key works, records its last use, and can be revoked
    assert (
        client.get("/api/v1/transactions", headers={"Authorization": f"Bearer {clear}"}).status_code
        == 200
    )
    session.refresh(row)
    assert row.last_used_at is not None
    assert (
        client.delete(f"/api/v1/api-keys/{row.id}", headers=keys.headers("admin")).status_code
        == 200
    )
    r = client.get("/api/v1/transactions", headers={"Authorization": f"Bearer {clear}"})
    assert r.status_code == 401
    assert "revoked" in r.json()["detail"]
    actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "api_key.created" in actions
    assert "api_key.revoked" in actions


def test_scoped_marketing_key_sees_only_its_department(client: TestClient, keys: Keys) -> None:
    h = keys.headers("admin")
    other = client.post("/api/v1/departments", json={"name": "Sales"}, headers=h).json()
    r = client.get("/api/v1/departments", headers=keys.headers("marketing"))
    assert [d["name"] for d in r.json()["items"]] == ["Marketing"]
    r = client.get(f"/api/v1/departments/{other['id']}", headers=keys.headers("marketing"))
    assert r.status_code == 403
    r = client.get(
        f"/api/v1/transactions?department_id={other['id']}", headers=keys.headers("marketing")
    )
    assert r.status_code == 403
