"""Connector secrets are write-only: never in a response, an audit event or a log line."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Connection
from tests.factories import Keys

SECRET = "rk_live_SUPERSECRET_9f8e7d6c5b4a"


def test_secrets_never_leave(
    client: TestClient, keys: Keys, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    h = keys.headers("admin")
    body = {
        "name": "Ramp",
        "connector": "ramp",
        "config": {"base_url": "https://api.ramp.com"},
        "secrets": {"client_id": "abc", "client_secret": SECRET},
        "schedule_minutes": 60,
    }
    r = client.post("/api/v1/connections", json=body, headers=h)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret_fields"] == ["client_id", "client_secret"]
    assert SECRET not in r.text
    cid = created["id"]
    for response in (
        client.get("/api/v1/connections", headers=h),
        client.get(f"/api/v1/connections/{cid}", headers=h),
        client.patch(
            f"/api/v1/connections/{cid}",
            json={"secrets": {"client_secret": SECRET + "2"}},
            headers=h,
        ),
        client.get("/api/v1/audit", headers=h),
    ):
        assert response.status_code == 200, response.text
        assert SECRET not in response.text
    row = session.exec(select(Connection).where(Connection.name == "Ramp")).one()
    assert row.secrets_encrypted
    assert SECRET not in row.secrets_encrypted
    for event in session.exec(select(AuditEvent)):
        assert SECRET not in str(event.before) + str(event.after)
    assert SECRET not in caplog.text


def test_unknown_connector_is_422(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/connections",
        json={"name": "x", "connector": "nope"},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 422
    assert "unknown connector" in r.json()["detail"]


def test_log_scrubber_masks_keys_and_tokens() -> None:
    from app.logging import scrub

    line = scrub(
        "auth Bearer ssk_0123456789ab_secretpart client_secret=hunter2 "
        '{"access_token": "tok123"} gAAAAABkZ'
    )
    for leaked in ("secretpart", "hunter2", "tok123", "gAAAAABkZ"):
        assert leaked not in line
