"""Unrecognised software on the dashboard's findings queue and finding page."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import Finding
from tests.dashboard.conftest import sign_in
from tests.findings.test_unrecognised import import_statement


def test_the_queue_marks_filters_and_explains_unrecognised_software(
    client: TestClient, keys: Any, session: Session
) -> None:
    import_statement(client, keys)
    sign_in(client, keys.it)
    queue = client.get("/findings")
    assert queue.status_code == 200
    assert "Quillstack" in queue.text
    assert "unrecognised software" in queue.text
    assert "/candidates?q=Quillstack" in queue.text
    only = client.get("/findings?kind=unrecognised").text
    assert "Zorblatt Backup Software" in only
    assert "unrecognised software" not in client.get("/findings?kind=vendors").text

    finding = session.exec(
        select(Finding).where(col(Finding.candidate_name) == "Quillstack")
    ).first()
    assert finding is not None
    page = client.get(f"/findings/{finding.id}")
    assert page.status_code == 200
    assert "Confirm the candidate" in page.text
    assert "Approve (sanction)" not in page.text  # nothing to sanction until confirmed
    assert "PADDLE.NET* QUILLSTACK" in page.text  # its transactions
