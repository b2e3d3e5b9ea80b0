"""The Sources page: connections with their status in words and the last error without its
credentials, run history, "sync now" (IT and admin, CSRF, audited as the API's), recent
imports with their counts, and a statement upload followed to its end."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.connections import manual
from app.crypto import encrypt_secrets
from app.db import utcnow
from app.models import AuditEvent, Connection, SyncRun, Transaction
from tests.dashboard.conftest import sign_in
from tests.sync.test_sync import SECRETS, FakePlaid, _tx, page

STATEMENT = "\n".join(
    [
        "Date,Description,Amount",
        "03/02/2026,WIDGETWORKS CLOUD SUBSCRIPTION,42.00",
        "03/09/2026,CORNER BAKERY 1123,8.75",
        "03/16/2026,WIDGETWORKS CLOUD SUBSCRIPTION,42.00",
    ]
)


@pytest.fixture
def bank(session: Session) -> Connection:
    """An API connection whose last sync failed with a provider error echoing a credential."""
    started = utcnow() - timedelta(hours=2)
    row = Connection(
        name="Console bank",
        connector="plaid",
        config={"base_url": "https://sandbox.plaid.example"},
        secrets_encrypted=encrypt_secrets(SECRETS),
        schedule_minutes=60,
        status="failing",
        status_detail="transactions: HTTP 503 upstream said Authorization: Bearer tok_9f8e7d6c5b4a",
        last_sync_at=started,
        next_sync_at=started + timedelta(hours=3),
    )
    session.add(row)
    session.commit()
    assert row.id is not None
    session.add(
        SyncRun(
            connection_id=row.id,
            trigger="schedule",
            status="failed",
            started_at=started,
            finished_at=started + timedelta(minutes=1),
            fetched=7,
            error="HTTP 503 client_secret=hunter2-topsecret",
        )
    )
    session.commit()
    return row


@pytest.fixture
def file_import(session: Session) -> Connection:
    row = Connection(name="Console card file", connector="csv", status="ok")
    session.add(row)
    session.commit()
    assert row.id is not None
    session.add(
        SyncRun(
            connection_id=row.id,
            trigger="import",
            status="succeeded",
            finished_at=utcnow(),
            fetched=120,
            inserted=117,
            updated=1,
            rejected=2,
        )
    )
    session.commit()
    return row


def _token(html: str, form_id: str) -> str:
    found = re.search(rf'id="{form_id}".*?name="csrf_token" value="([^"]+)"', html, re.S)
    assert found is not None
    return found.group(1)


def test_sources_lists_connections_in_words_without_credentials(
    client: TestClient, keys: Any, bank: Connection, file_import: Connection
) -> None:
    sign_in(client, keys.it)
    page_ = client.get("/sources")
    assert page_.status_code == 200
    html = page_.text
    assert "Console bank" in html
    assert "Failing: the last sync failed" in html
    assert "HTTP 503" in html
    assert "tok_9f8e7d6c5b4a" not in html
    # the next sync and the last run's counts
    assert bank.next_sync_at is not None
    assert bank.next_sync_at.strftime("%Y-%m-%d %H:%M") in html
    assert "Failed: 7 read" in html
    # recent imports with counts
    imports = html[html.index('id="imports"') :]
    assert "Console card file" in imports
    assert re.search(r">120<.*>117<.*>1<.*>2<", imports, re.S)
    # the upload form and the candidate vendors link
    assert 'enctype="multipart/form-data"' in html
    assert 'href="/candidates"' in html


def test_a_connection_that_never_ran_says_so(
    client: TestClient, keys: Any, session: Session
) -> None:
    session.add(Connection(name="Quiet card file", connector="csv", status="ok"))
    session.add(Connection(name="Quiet bank", connector="plaid", status="ok"))
    session.commit()
    sign_in(client, keys.it)
    html = client.get("/sources").text
    quiet_file = html[html.index("Quiet card file") :]
    assert "No file imported here yet" in quiet_file[:600]
    quiet_bank = html[html.index("Quiet bank") :]
    assert "Not synced yet" in quiet_bank[:600]


def test_a_source_shows_its_run_history_scrubbed(
    client: TestClient, keys: Any, bank: Connection
) -> None:
    sign_in(client, keys.admin)
    html = client.get(f"/sources/{bank.id}").text
    assert 'id="runs"' in html
    assert "HTTP 503" in html
    assert "hunter2-topsecret" not in html
    assert 'id="sync-now"' in html
    assert client.get("/sources/999999").status_code == 404


@pytest.mark.parametrize("role", ["marketing", "finance", "viewer"])
def test_roles_without_connections_see_no_sources(client: TestClient, keys: Any, role: str) -> None:
    sign_in(client, getattr(keys, role))
    page_ = client.get("/sources")
    assert page_.status_code == 403
    assert 'href="/sources"' not in client.get("/transactions").text


def test_sync_now_runs_the_api_sync_and_is_audited(
    app: FastAPI, client: TestClient, keys: Any, session: Session, bank: Connection
) -> None:
    fake = FakePlaid({None: page([_tx("console-1", 12)], "c1", False)})
    app.dependency_overrides[manual.transport] = lambda: lambda _c: httpx.MockTransport(fake)
    sign_in(client, keys.it)
    html = client.get(f"/sources/{bank.id}").text
    # without the form's token nothing runs
    refused = client.post(f"/sources/{bank.id}/sync", data={"csrf_token": "wrong"})
    assert refused.status_code == 403
    sent = client.post(
        f"/sources/{bank.id}/sync",
        data={"csrf_token": _token(html, "sync-now")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    job_url = sent.headers["location"]
    assert job_url.startswith("/sources/jobs/")
    job_page = client.get(job_url)
    assert job_page.status_code == 200
    assert "Done" in job_page.text
    assert "1 new" in job_page.text
    events = session.exec(
        select(AuditEvent).where(AuditEvent.action == "connection.sync_requested")
    ).all()
    assert [e.entity_id for e in events] == [str(bank.id)]
    session.expire_all()
    assert session.exec(select(Transaction).where(Transaction.connection_id == bank.id)).all()
    runs = client.get(f"/sources/{bank.id}").text
    assert "manual" in runs


def test_sync_now_is_refused_to_a_file_connection_and_a_finance_key(
    client: TestClient, keys: Any, file_import: Connection, bank: Connection
) -> None:
    token = sign_in(client, keys.it)
    refused = client.post(f"/sources/{file_import.id}/sync", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "take files, not syncs" in refused.text
    client.cookies.clear()
    token = sign_in(client, keys.finance)
    assert client.post(f"/sources/{bank.id}/sync", data={"csrf_token": token}).status_code == 403


def test_upload_a_statement_and_follow_its_import(
    client: TestClient, keys: Any, session: Session
) -> None:
    sign_in(client, keys.it)
    html = client.get("/sources").text
    sent = client.post(
        "/sources/import",
        data={"csrf_token": _token(html, "upload"), "preset": "amex", "connection": "Upload test"},
        files={"file": ("march.csv", STATEMENT.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    job = client.get(sent.headers["location"])
    assert job.status_code == 200
    assert "Import of march.csv" in job.text
    assert "3 rows read: 3 new" in job.text
    # the fragment the script polls says the same, and the job is done
    fragment = client.get(sent.headers["location"].replace("/sources/", "/fragments/"))
    assert "data-done" in fragment.text
    assert "3 new" in fragment.text
    # the recent imports list it, with its counts
    assert "Upload test" in client.get("/sources").text
    # the same file again adds nothing
    again = client.post(
        "/sources/import",
        data={"csrf_token": _token(html, "upload"), "preset": "amex", "connection": "Upload test"},
        files={"file": ("march.csv", STATEMENT.encode(), "text/csv")},
    )
    assert "0 new, 3 already imported" in again.text


def test_a_bad_upload_is_refused_whole_with_its_reasons(
    client: TestClient, keys: Any, session: Session
) -> None:
    token = sign_in(client, keys.it)
    before = len(session.exec(select(Transaction)).all())
    bad_preset = client.post(
        "/sources/import",
        data={"csrf_token": token, "preset": "nope", "connection": "Kept name"},
        files={"file": ("x.csv", STATEMENT.encode(), "text/csv")},
    )
    assert bad_preset.status_code == 422
    assert "unknown preset" in bad_preset.text
    assert 'value="Kept name"' in bad_preset.text  # the form as sent
    empty = client.post(
        "/sources/import",
        data={"csrf_token": token},
        files={"file": ("x.csv", b"  ", "text/csv")},
    )
    assert empty.status_code == 422
    bad_mapping = client.post(
        "/sources/import",
        data={"csrf_token": token, "mapping": "{not json"},
        files={"file": ("x.csv", STATEMENT.encode(), "text/csv")},
    )
    assert bad_mapping.status_code == 422
    assert "mapping is not valid: not valid JSON" in bad_mapping.text
    broken = STATEMENT + "\n03/20/2026,WIDGETWORKS CLOUD SUBSCRIPTION,forty"
    rejected = client.post(
        "/sources/import",
        data={"csrf_token": token, "preset": "amex"},
        files={"file": ("broken.csv", broken.encode(), "text/csv")},
    )
    assert rejected.status_code == 200
    assert "Failed" in rejected.text
    assert "row 4" in rejected.text
    assert "Nothing from this file was stored" in rejected.text
    session.expire_all()
    assert len(session.exec(select(Transaction)).all()) == before
    # without the form's token, nothing is read or stored
    forged = client.post(
        "/sources/import",
        data={"csrf_token": "forged"},
        files={"file": ("x.csv", STATEMENT.encode(), "text/csv")},
    )
    assert forged.status_code == 403


def test_a_signed_out_upload_goes_to_sign_in(client: TestClient) -> None:
    sent = client.post(
        "/sources/import",
        files={"file": ("x.csv", STATEMENT.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/login")
