"""Unrecognised software: a candidate vendor's spend outside IT raises findings of its own, per
(candidate name, department), which follow it when IT confirms or rejects the candidate."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.models import AuditEvent, Finding, Transaction
from tests.factories import Keys

# Made-up sellers no catalog lists: one behind a merchant of record, one found by its words.
STATEMENT = (
    "Date,Description,Amount,Department\n"
    "03/02/2026,PADDLE.NET* QUILLSTACK,29.00,Marketing\n"
    "04/02/2026,PADDLE.NET* QUILLSTACK,29.00,Marketing\n"
    "04/03/2026,PADDLE.NET* QUILLSTACK,29.00,Sales\n"
    "03/05/2026,ZORBLATT BACKUP SOFTWARE 8005550100 CA,12.00,Marketing\n"
    "03/06/2026,SQ *BLUE BOTTLE COFFEE,6.50,Marketing\n"
)


def import_statement(client: TestClient, keys: Keys, text: str = STATEMENT) -> None:
    r = client.post(
        "/api/v1/imports",
        files={"file": ("x.csv", text.encode(), "text/csv")},
        data={"connection": "Team cards"},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 200, r.text


def _findings(client: TestClient, keys: Keys, query: str = "") -> list[dict[str, object]]:
    r = client.get(f"/api/v1/findings?limit=100{query}", headers=keys.headers("it"))
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def _by_key(items: list[dict[str, object]]) -> dict[tuple[object, object], dict[str, object]]:
    return {
        (f["vendor"]["name"], f["department"]["name"]): f  # type: ignore[index]
        for f in items
    }


def test_candidates_raise_unrecognised_findings_per_department(
    client: TestClient, keys: Keys
) -> None:
    import_statement(client, keys)
    unknown = _by_key(_findings(client, keys, "&unrecognised=true"))
    assert set(unknown) == {
        ("Quillstack", "Marketing"),
        ("Quillstack", "Sales"),
        ("Zorblatt Backup Software", "Marketing"),
    }
    top = unknown[("Quillstack", "Marketing")]
    assert top["unrecognised"] is True
    assert top["candidate_name"] == "Quillstack"
    assert top["vendor"]["id"] is None  # type: ignore[index]
    assert (top["transaction_count"], top["total_minor"]) == (2, 5800)
    assert top["severity"] in {"low", "medium", "high", "critical"}
    assert top["severity_factors"]
    # Two departments buy it: a vendor-wide reason, as for catalog vendors.
    assert any(r["code"] == "several_departments" for r in top["severity_factors"])  # type: ignore[union-attr, index]
    assert not any(f["unrecognised"] for f in _findings(client, keys, "&unrecognised=false"))
    assert {f["candidate_name"] for f in _findings(client, keys, "&q=quill")} == {"Quillstack"}

    detail = client.get(f"/api/v1/findings/{top['id']}", headers=keys.headers("it")).json()
    assert [t["descriptor"] for t in detail["transactions"]] == ["PADDLE.NET* QUILLSTACK"] * 2

    # A re-import adds nothing and changes nothing.
    import_statement(client, keys)
    assert _by_key(_findings(client, keys, "&unrecognised=true")).keys() == unknown.keys()


def test_confirming_moves_the_findings_onto_the_new_vendor(
    client: TestClient, keys: Keys, session: Session
) -> None:
    import_statement(client, keys)
    before = _by_key(_findings(client, keys, "&unrecognised=true"))
    marketing = before[("Quillstack", "Marketing")]
    h = keys.headers("it")
    assigned = client.patch(
        f"/api/v1/findings/{marketing['id']}",
        json={"assignee_email": "owner@acme.example"},
        headers=h,
    )
    assert assigned.status_code == 200, assigned.text
    approve = client.post(
        f"/api/v1/findings/{marketing['id']}/decision", json={"decision": "approve"}, headers=h
    )
    assert approve.status_code == 422
    assert "confirm" in approve.json()["detail"]

    r = client.post("/api/v1/vendors/candidates/confirm", json={"name": "Quillstack"}, headers=h)
    assert r.status_code == 200, r.text
    vendor_id = r.json()["vendor_id"]

    after = _by_key(_findings(client, keys))
    moved = after[("Quillstack", "Marketing")]
    assert moved["id"] == marketing["id"]  # the same finding, now the vendor's
    assert moved["unrecognised"] is False
    assert moved["vendor"]["id"] == vendor_id  # type: ignore[index]
    assert moved["assignee_email"] == "owner@acme.example"
    assert (moved["transaction_count"], moved["total_minor"]) == (2, 5800)
    assert after[("Quillstack", "Sales")]["vendor"]["id"] == vendor_id  # type: ignore[index]
    assert ("Zorblatt Backup Software", "Marketing") in after
    events = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_type == "finding", AuditEvent.entity_id == str(marketing["id"])
        )
    ).all()
    assert [e.action for e in events] == ["finding.assigned", "finding.vendor_confirmed"]
    assert events[-1].before["candidate_name"] == "Quillstack"  # type: ignore[index]
    # Now a catalog vendor's finding: approving it works.
    ok = client.post(
        f"/api/v1/findings/{moved['id']}/decision", json={"decision": "approve"}, headers=h
    )
    assert ok.status_code == 200, ok.text


def test_rejecting_closes_the_findings_with_their_evidence(
    client: TestClient, keys: Keys, session: Session
) -> None:
    import_statement(client, keys)
    finding = _by_key(_findings(client, keys, "&unrecognised=true"))[
        ("Zorblatt Backup Software", "Marketing")
    ]
    r = client.post(
        "/api/v1/vendors/candidates/reject",
        json={"name": "Zorblatt Backup Software", "comment": "a hardware shop"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    closed = session.get(Finding, finding["id"])
    assert closed is not None
    assert (closed.status, closed.closed_reason) == ("dismissed", "not_software")
    assert closed.transaction_count == 1
    detail = client.get(f"/api/v1/findings/{closed.id}", headers=keys.headers("it")).json()
    assert len(detail["transactions"]) == 1  # its evidence, kept
    assert detail["closed_by"]["reason"] == "not_software"
    row = session.exec(
        select(Transaction).where(Transaction.descriptor.startswith("ZORBLATT"))  # type: ignore[attr-defined]
    ).one()
    assert row.is_software is False
    live = _by_key(_findings(client, keys, "&status=open&unrecognised=true"))
    assert ("Zorblatt Backup Software", "Marketing") not in live


def test_a_row_reclassified_away_retires_an_untouched_candidate_finding(
    client: TestClient, keys: Keys, session: Session
) -> None:
    """A rule that names the seller's rows as a catalog vendor: the candidate's finding goes."""
    import_statement(client, keys)
    h = keys.headers("it")
    vendors = client.get("/api/v1/vendors?q=figma", headers=h).json()["items"]
    r = client.post(
        "/api/v1/match-rules",
        json={"pattern": "ZORBLATT", "kind": "contains", "vendor_id": vendors[0]["id"]},
        headers=h,
    )
    assert r.status_code in (200, 201), r.text
    keys_now = _by_key(_findings(client, keys, "&unrecognised=true"))
    assert ("Zorblatt Backup Software", "Marketing") not in keys_now
    assert any(
        f["vendor"]["id"] == vendors[0]["id"]  # type: ignore[index]
        for f in _findings(client, keys)
    )
