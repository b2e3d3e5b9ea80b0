"""The in-process memory of verified keys: it saves the lookup, never a revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.auth import service as auth_service
from app.db import utcnow
from app.models import ApiKey
from tests.factories import Keys


@pytest.fixture(autouse=True)
def _forget() -> None:
    auth_service.forget_verified_keys()


def _row(session: Session, name: str) -> ApiKey:
    return session.exec(select(ApiKey).where(ApiKey.name == name)).one()


def test_a_verified_key_is_remembered_without_a_lookup(
    keys: Keys, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear = keys.it
    assert auth_service.cached_principal(clear) is None
    principal = auth_service.authenticate(session, clear)
    assert auth_service.cached_principal(clear) == principal
    assert auth_service.cached_principal(clear + "x") is None  # another secret, another key
    monkeypatch.setattr(auth_service, "CACHE_TTL", 0.0)
    auth_service.forget_verified_keys()
    auth_service.authenticate(session, clear)
    assert auth_service.cached_principal(clear) is None  # expired at once


def test_revoking_a_remembered_key_stops_it_at_once(
    client: TestClient, keys: Keys, session: Session
) -> None:
    viewer = {"Authorization": f"Bearer {keys.viewer}"}
    assert client.get("/api/v1/departments", headers=viewer).status_code == 200
    assert auth_service.cached_principal(keys.viewer) is not None
    key_id = _row(session, "viewer key").id
    r = client.delete(f"/api/v1/api-keys/{key_id}", headers=keys.headers("admin"))
    assert r.status_code == 200
    r = client.get("/api/v1/departments", headers=viewer)
    assert r.status_code == 401
    assert "revoked" in r.json()["detail"]


def test_a_lookup_that_raced_a_revocation_is_not_remembered(
    keys: Keys, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_exec = session.exec

    def exec_then_revoke_elsewhere(*args: object, **kwargs: object) -> object:
        result = real_exec(*args, **kwargs)  # type: ignore[call-overload]
        auth_service.forget_verified_keys()  # a revocation committed meanwhile
        return result

    monkeypatch.setattr(session, "exec", exec_then_revoke_elsewhere)
    auth_service.authenticate(session, keys.it)
    assert auth_service.cached_principal(keys.it) is None


def test_last_use_is_written_at_most_once_a_minute(
    client: TestClient, keys: Keys, session: Session
) -> None:
    row = _row(session, "finance key")
    headers = keys.headers("finance")
    assert client.get("/api/v1/departments", headers=headers).status_code == 200
    session.refresh(row)
    first = row.last_used_at
    assert first is not None
    auth_service.forget_verified_keys()
    assert client.get("/api/v1/departments", headers=headers).status_code == 200
    session.refresh(row)
    assert row.last_used_at == first  # within the minute: no write
    row.last_used_at = utcnow() - timedelta(minutes=2)
    session.add(row)
    session.commit()
    auth_service.forget_verified_keys()
    assert client.get("/api/v1/departments", headers=headers).status_code == 200
    session.refresh(row)
    assert row.last_used_at is not None
    assert row.last_used_at > first


def test_unknown_and_malformed_keys_are_refused(client: TestClient, keys: Keys) -> None:
    for bad in ("ssk_nope_nope", "not-a-key", keys.it[:-2] + "zz"):
        r = client.get("/api/v1/departments", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401
        assert auth_service.cached_principal(bad) is None
