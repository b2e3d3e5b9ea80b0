"""Scheduled incremental sync: nothing lost, nothing repeated, failures explained."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.connections import sync
from app.connections.router import sync_transport
from app.crypto import encrypt_secrets
from app.db import utcnow
from app.models import Connection, SyncRun, Transaction

SECRETS = {"client_id": "cid", "secret": "sek", "access_token": "access-sandbox-1"}


def _tx(tid: str, amount: float, name: str = "NOTION LABS INC", day: str = "2026-10-02") -> dict:
    return {
        "transaction_id": tid,
        "account_id": "acc1",
        "amount": amount,
        "iso_currency_code": "USD",
        "date": day,
        "authorized_date": day,
        "name": name,
        "merchant_name": None,
        "pending": False,
    }


class FakePlaid:
    """A scripted /transactions/sync: each cursor maps to one page."""

    def __init__(self, pages: dict[str | None, dict[str, Any]]) -> None:
        self.pages = pages
        self.calls: list[str | None] = []
        self.fail_on: str | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        cursor = body.get("cursor")
        self.calls.append(cursor)
        if cursor is not None and cursor == self.fail_on:
            raise httpx.ConnectError("connection reset", request=request)
        page = self.pages.get(cursor)
        if page is None:
            return httpx.Response(
                400, json={"error_code": "INVALID_FIELD", "error_message": "bad cursor"}
            )
        return httpx.Response(200, json={"request_id": "r", "accounts": [], **page})


def page(
    added: list[dict], nxt: str, more: bool, removed: list[str] = (), modified: list[dict] = ()
) -> dict:  # type: ignore[assignment]
    return {
        "added": added,
        "modified": list(modified),
        "removed": [{"transaction_id": r, "account_id": "acc1"} for r in removed],
        "next_cursor": nxt,
        "has_more": more,
    }


@pytest.fixture
def plaid_connection(session: Session) -> Connection:
    row = Connection(
        name="Plaid bank",
        connector="plaid",
        config={"base_url": "http://plaid.test"},
        schedule_minutes=60,
        next_sync_at=utcnow() - timedelta(minutes=1),
    )
    row.secrets_encrypted = encrypt_secrets(SECRETS)
    session.add(row)
    session.commit()
    return row


@pytest.fixture
def run(session: Session, engine: Engine) -> Callable[[FakePlaid, Connection], sync.SyncOutcome]:
    @contextmanager
    def borrowed() -> Iterator[Session]:
        yield session

    def go(fake: FakePlaid, connection: Connection) -> sync.SyncOutcome:
        assert connection.id is not None
        return sync.run_sync(
            engine,
            connection.id,
            session_factory=borrowed,  # type: ignore[arg-type]
            transport=lambda _c: httpx.MockTransport(fake),
            sleep=lambda _s: None,
        )

    return go


def _count(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(Transaction).where(Transaction.removed_at.is_(None))  # type: ignore[union-attr]
    ).one()


def test_incremental_sync_with_modified_and_removed(
    session: Session, plaid_connection: Connection, run: Callable[..., sync.SyncOutcome]
) -> None:
    fake = FakePlaid(
        {
            None: page([_tx("t1", 10), _tx("t2", 20)], "c1", True),
            "c1": page([_tx("t3", 30, "SLACK T0123 DUBLIN")], "c2", False),
        }
    )
    first = run(fake, plaid_connection)
    assert first.status == "succeeded", first.error
    assert (first.fetched, first.inserted) == (3, 3)
    session.refresh(plaid_connection)
    assert plaid_connection.bookmark == "c2"
    assert plaid_connection.status == "ok"
    assert plaid_connection.next_sync_at is not None

    fake.pages["c2"] = page([], "c3", False, removed=["t2"], modified=[_tx("t1", 11)])
    second = run(fake, plaid_connection)
    assert second.status == "succeeded", second.error
    assert (second.inserted, second.updated, second.removed) == (0, 1, 1)
    assert _count(session) == 2
    amounts = sorted(
        t.amount_minor
        for t in session.exec(select(Transaction).where(Transaction.removed_at.is_(None)))
    )  # type: ignore[union-attr]
    assert amounts == [1100, 3000]
    runs = session.exec(select(SyncRun).where(SyncRun.connection_id == plaid_connection.id)).all()
    assert [r.status for r in runs] == ["succeeded", "succeeded"]


def test_killed_after_pages_loses_and_repeats_nothing(
    session: Session, plaid_connection: Connection, run: Callable[..., sync.SyncOutcome]
) -> None:
    fake = FakePlaid(
        {
            None: page([_tx("a1", 1), _tx("a2", 2)], "p1", True),
            "p1": page([_tx("a3", 3)], "p2", True),
            "p2": page([_tx("a4", 4)], "p3", False),
        }
    )
    fake.fail_on = "p2"
    broken = run(fake, plaid_connection)
    assert broken.status == "failed"
    session.refresh(plaid_connection)
    assert plaid_connection.status == "failing"
    assert (
        "connection reset" in (plaid_connection.status_detail or "")
        or plaid_connection.status_detail
    )
    assert plaid_connection.bookmark == "p2"  # moved only past committed pages
    assert _count(session) == 3
    fake.fail_on = None
    resumed = run(fake, plaid_connection)
    assert resumed.status == "succeeded", resumed.error
    assert _count(session) == 4
    assert fake.calls[-1] == "p2"


def test_a_run_left_running_by_a_dead_process_is_closed_by_the_next_one(
    session: Session, plaid_connection: Connection, run: Callable[..., sync.SyncOutcome]
) -> None:
    assert plaid_connection.id is not None
    dead = SyncRun(connection_id=plaid_connection.id, trigger="schedule")
    imported = SyncRun(connection_id=plaid_connection.id, trigger="import")
    session.add_all([dead, imported])
    session.commit()
    outcome = run(FakePlaid({None: page([_tx("d1", 1)], "c1", False)}), plaid_connection)
    assert outcome.status == "succeeded", outcome.error
    session.refresh(dead)
    session.refresh(imported)
    assert dead.status == "failed"
    assert dead.finished_at is not None
    assert (dead.error or "").startswith("interrupted")
    assert imported.status == "running"  # imports take no lease: not ours to judge


def test_config_error_needs_attention_and_is_not_rescheduled(
    session: Session, plaid_connection: Connection, run: Callable[..., sync.SyncOutcome]
) -> None:
    def unauthorized(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json={
                "error_type": "INVALID_INPUT",
                "error_code": "INVALID_API_KEYS",
                "error_message": "invalid client_id or secret provided",
            },
        )

    outcome = run(unauthorized, plaid_connection)  # type: ignore[arg-type]
    assert outcome.status == "failed"
    session.refresh(plaid_connection)
    assert plaid_connection.status == "needs_attention"
    assert plaid_connection.next_sync_at is None
    assert "sek" not in (plaid_connection.status_detail or "")
    assert plaid_connection not in [
        session.get(Connection, i) for i in sync.due_connections(session, utcnow())
    ]


def test_lease_keeps_two_runs_apart(session: Session, plaid_connection: Connection) -> None:
    now = utcnow()
    assert plaid_connection.id is not None
    assert sync.acquire_lease(session, plaid_connection.id, "worker-a", now)
    assert not sync.acquire_lease(session, plaid_connection.id, "worker-b", now)
    assert plaid_connection.id not in sync.due_connections(session, now)
    # an expired lease (a crashed worker) can be taken over
    assert sync.acquire_lease(session, plaid_connection.id, "worker-b", now + sync.LEASE * 2)
    sync.release_lease(session, plaid_connection.id, "worker-b")
    assert plaid_connection.id in sync.due_connections(session, now)


def test_sync_endpoint_runs_in_background(
    app: FastAPI,
    client: Any,
    keys: Any,
    session: Session,
    plaid_connection: Connection,
) -> None:
    fake = FakePlaid({None: page([_tx("z1", 5)], "c1", False)})
    app.dependency_overrides[sync_transport] = lambda: lambda _c: httpx.MockTransport(fake)
    r = client.post(f"/api/v1/connections/{plaid_connection.id}/sync", headers=keys.headers("it"))
    assert r.status_code == 202, r.text
    job = client.get(f"/api/v1/jobs/{r.json()['id']}", headers=keys.headers("it")).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["inserted"] == 1
    runs = client.get(f"/api/v1/connections/{plaid_connection.id}/runs", headers=keys.headers("it"))
    assert runs.json()["items"][0]["trigger"] == "manual"


def test_bad_api_config_is_refused(client: Any, keys: Any) -> None:
    r = client.post(
        "/api/v1/connections",
        json={
            "name": "p",
            "connector": "plaid",
            "config": {"base_url": "http://x", "bogus": 1},
            "secrets": {"client_id": "a"},
        },
        headers=keys.headers("admin"),
    )
    assert r.status_code == 422


def test_api_connection_config_is_checked(client: Any, keys: Any) -> None:
    h = keys.headers("admin")
    typo = client.post(
        "/api/v1/connections",
        json={
            "name": "p1",
            "connector": "plaid",
            "config": {"base_ur1": "http://x"},
            "secrets": {"client_id": "a", "secret": "b", "access_token": "c"},
        },
        headers=h,
    )
    assert typo.status_code == 422
    assert "base_ur1" in typo.json()["detail"]
    ok = client.post(
        "/api/v1/connections",
        json={
            "name": "p2",
            "connector": "plaid",
            "config": {"base_url": "http://x"},
            "secrets": {"client_id": "a", "secret": "b", "access_token": "c"},
        },
        headers=h,
    )
    assert ok.status_code == 201, ok.text
    # a change that does not touch secrets keeps the stored ones valid
    r = client.patch(f"/api/v1/connections/{ok.json()['id']}", json={"enabled": False}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["secret_fields"] == ["access_token", "client_id", "secret"]


def test_provider_error_text_is_scrubbed_before_it_is_stored(
    session: Session, plaid_connection: Connection, run: Callable[..., sync.SyncOutcome]
) -> None:
    # A provider that echoes the request in its error: Basic credentials, a key=value secret
    # and our own secret value, bare.
    basic = base64.b64encode(b"cid:sek-0123456789").decode()
    plaid_connection.secrets_encrypted = encrypt_secrets({**SECRETS, "secret": "sek-0123456789"})
    session.add(plaid_connection)
    session.commit()

    def echoing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            400,
            json={
                "error_code": "INVALID_FIELD",
                "error_message": f"Authorization: Basic {basic}; access_token=access-x-1; "
                "secret sek-0123456789 unknown",
            },
        )

    outcome = run(echoing, plaid_connection)  # type: ignore[arg-type]
    session.refresh(plaid_connection)
    stored = session.exec(select(SyncRun).where(SyncRun.id == outcome.run_id)).one()
    for text in (plaid_connection.status_detail, stored.error, outcome.error):
        assert text
        assert "INVALID_FIELD" in text  # still says what went wrong
        for leaked in (basic, "sek-0123456789", "access-x-1"):
            assert leaked not in text


def test_log_lines_mask_basic_credentials() -> None:
    import logging

    from app.logging import JsonFormatter, TextFormatter

    basic = base64.b64encode(b"user:pa55").decode()
    record = logging.LogRecord(
        "shadowspend.sync", logging.WARNING, __file__, 1, "got Basic %s", (basic,), None
    )
    for formatter in (TextFormatter(), JsonFormatter()):
        assert basic not in formatter.format(record)


def test_a_record_no_database_stores_is_skipped_and_counted(
    session: Session, plaid_connection: Connection, run: Callable[..., sync.SyncOutcome]
) -> None:
    fake = FakePlaid(
        {None: page([_tx("t1", 10.0), _tx("t2", 12.0, name="BAD\x00NAME")], "c1", False)}
    )
    outcome = run(fake, plaid_connection)
    assert outcome.status == "succeeded", outcome.error
    assert (outcome.inserted, outcome.rejected) == (1, 1)
    assert _count(session) == 1
