"""The whole review workflow, driven through the API with each role's key."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import get_settings
from app.findings import notify
from app.models import AuditEvent, Finding, MatchRule, Transaction
from app.registrations.router import webhook_delivery
from tests.factories import Keys


def _today() -> date:
    return datetime.now(UTC).date()


def _months_back(n: int) -> list[date]:
    today = _today().replace(day=5)
    out = []
    for i in range(n, 0, -1):
        month = today.month - i
        year = today.year + (month - 1) // 12
        out.append(date(year, (month - 1) % 12 + 1, 5))
    return out


def _statement(rows: list[tuple[date, str, str, str]]) -> bytes:
    lines = ["Date,Description,Amount,Card Member,Department"]
    lines += [f"{d:%m/%d/%Y},{desc},{amount},{who},{dept}" for d, desc, amount, who, dept in rows]
    return "\n".join(lines).encode()


def _import(client: TestClient, keys: Keys, content: bytes, connection: str = "Amex") -> dict:
    mapping = (
        '{"date": "Date", "descriptor": "Description", "amount": "Amount", '
        '"cardholder_name": "Card Member", "department": "Department", '
        '"sign": "spend_positive", "date_format": "%m/%d/%Y"}'
    )
    r = client.post(
        "/api/v1/imports",
        files={"file": ("s.csv", io.BytesIO(content), "text/csv")},
        data={"mapping": mapping, "connection": connection},
        # An admin's import: it may create the departments the statement names.
        headers=keys.headers("admin"),
    )
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
def spend(client: TestClient, keys: Keys) -> dict:
    months = _months_back(6)
    rows = [(d, "CANVA* 04-1234567 SYDNEY AU", "119.99", "Mia", "Marketing") for d in months]
    rows += [(d, "CANVA* 04-7654321 SYDNEY AU", "12.99", "Sam", "Sales") for d in months[-3:]]
    rows += [(months[-1], "SQ *BLUE BOTTLE COFFEE", "6.50", "Mia", "Marketing")]
    rows += [(d, "ZOOM.US 888-799-9666 CA", "15.99", "Sam", "Sales") for d in months]
    return _import(client, keys, _statement(rows))


def _findings(client: TestClient, keys: Keys, role: str = "it", **params: str) -> list[dict]:
    r = client.get("/api/v1/findings", params=params, headers=keys.headers(role))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_findings_appear_with_reasons(client: TestClient, keys: Keys, spend: dict) -> None:
    assert spend["findings_created"] >= 3
    found = _findings(client, keys)
    first = client.get("/api/v1/findings", headers=keys.headers("it"))
    again = client.get(
        "/api/v1/findings", headers={**keys.headers("it"), "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    canva = [f for f in found if (f["vendor"]["name"] or "").startswith("Canva")]
    assert {f["department"]["name"] for f in canva} == {"Marketing", "Sales"}
    marketing = next(f for f in canva if f["department"]["name"] == "Marketing")
    assert marketing["cadence"] == "monthly"
    assert marketing["transaction_count"] == 6
    assert marketing["total"] == "719.94"
    reasons = " ".join(marketing["severity_reasons"])
    assert "recurring" in reasons
    assert "2 departments" in reasons
    # totals always equal the transactions behind them
    detail = client.get(f"/api/v1/findings/{marketing['id']}", headers=keys.headers("it")).json()
    assert (
        sum(t["reporting_amount_minor"] for t in detail["transactions"]) == marketing["total_minor"]
    )
    assert all(t["classification"]["explanation"] for t in detail["transactions"])


def test_renaming_a_department_or_vendor_shows_in_the_findings_list_at_once(
    client: TestClient, keys: Keys, spend: dict
) -> None:
    before = _findings(client, keys)  # the list is cached from here
    sales = next(f for f in before if f["department"]["name"] == "Sales")
    zoom = next(f for f in before if (f["vendor"]["name"] or "").startswith("Zoom"))
    r = client.patch(
        f"/api/v1/departments/{sales['department']['id']}",
        json={"name": "Revenue"},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 200, r.text
    r = client.patch(
        f"/api/v1/vendors/{zoom['vendor']['id']}",
        json={"name": "Zoom Workplace"},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 200, r.text
    after = {f["id"]: f for f in _findings(client, keys)}
    assert after[sales["id"]]["department"]["name"] == "Revenue"
    assert after[zoom["id"]]["vendor"]["name"] == "Zoom Workplace"


def _outside_rows(session: Session, department: str | None = None) -> int:
    from app.models import Department

    stmt = select(Transaction).where(Transaction.outside_it == True)  # noqa: E712
    if department is not None:
        dept = session.exec(select(Department).where(Department.name == department)).one()
        stmt = stmt.where(Transaction.department_id == dept.id)
    return len(session.exec(stmt).all())


def test_marking_a_department_it_moves_its_purchases_inside_and_back(
    client: TestClient, keys: Keys, session: Session, spend: dict
) -> None:
    sales = next(f for f in _findings(client, keys) if f["department"]["name"] == "Sales")
    sales_id = sales["department"]["id"]
    assert _outside_rows(session, "Sales") > 0
    marketing_rows = _outside_rows(session, "Marketing")

    def patch(is_it: bool) -> None:
        r = client.patch(
            f"/api/v1/departments/{sales_id}", json={"is_it": is_it}, headers=keys.headers("admin")
        )
        assert r.status_code == 200, r.text

    patch(True)
    assert _outside_rows(session, "Sales") == 0
    assert _outside_rows(session, "Marketing") == marketing_rows  # only Sales moved
    open_sales = [
        f for f in _findings(client, keys, status="open") if f["department"]["name"] == "Sales"
    ]
    assert open_sales == []
    patch(False)
    assert _outside_rows(session, "Sales") > 0
    assert any(f["department"]["name"] == "Sales" for f in _findings(client, keys, status="open"))


def test_marking_a_connection_an_it_channel_moves_its_purchases_inside(
    client: TestClient, keys: Keys, session: Session, spend: dict
) -> None:
    from app.models import Connection

    amex = session.exec(select(Connection).where(Connection.name == "Amex")).one()
    assert _outside_rows(session) > 0
    r = client.patch(
        f"/api/v1/connections/{amex.id}",
        json={"is_it_channel": True},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 200, r.text
    assert _outside_rows(session) == 0
    assert _findings(client, keys, status="open") == []


def test_marketing_key_is_scoped_and_cannot_decide(
    client: TestClient, keys: Keys, spend: dict
) -> None:
    mine = _findings(client, keys, role="marketing")
    assert mine
    assert {f["department"]["id"] for f in mine} == {keys.marketing_department_id}
    everyone = _findings(client, keys)
    other = next(f for f in everyone if f["department"]["id"] != keys.marketing_department_id)
    h = keys.headers("marketing")
    assert client.get(f"/api/v1/findings/{other['id']}", headers=h).status_code == 403
    r = client.post(
        f"/api/v1/findings/{mine[0]['id']}/decision", json={"decision": "approve"}, headers=h
    )
    assert r.status_code == 403


def test_approve_sanctions_and_closes(client: TestClient, keys: Keys, spend: dict) -> None:
    found = _findings(client, keys, q="canva")
    target = next(f for f in found if f["department"]["name"] == "Sales")
    r = client.post(
        f"/api/v1/findings/{target['id']}/decision",
        json={
            "decision": "approve",
            "scope": "company",
            "version": target["version"],
            "comment": "standard design tool",
        },
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"
    apps = client.get("/api/v1/sanctioned-apps", headers=keys.headers("viewer")).json()["items"]
    assert any(a["vendor_id"] == target["vendor"]["id"] and a["scope"] == "company" for a in apps)
    rows = client.get(
        f"/api/v1/transactions?vendor_id={target['vendor']['id']}", headers=keys.headers("admin")
    ).json()["items"]
    assert rows
    assert not any(t["outside_it"] for t in rows)
    # a second decision with the stale version is refused
    stale = client.post(
        f"/api/v1/findings/{target['id']}/decision",
        json={"decision": "reject", "version": target["version"]},
        headers=keys.headers("it"),
    )
    assert stale.status_code == 409
    audit = client.get("/api/v1/audit?action=finding.approved", headers=keys.headers("it"))
    events = {e["entity_id"]: e for e in audit.json()["items"]}
    decision = events[str(target["id"])]
    assert decision["comment"] == "standard design tool"
    # the other department's finding is approved too, with its own event pointing to it
    sibling = next(f for f in found if f["id"] != target["id"])
    assert events[str(sibling["id"])]["after"]["decision_event_id"] == decision["id"]
    closed = client.get(f"/api/v1/findings/{sibling['id']}", headers=keys.headers("it")).json()
    assert closed["status"] == "approved"
    assert closed["closed_by"]["finding_id"] == target["id"]
    assert closed["transaction_count"] == sibling["transaction_count"] > 0


def test_if_match_header(client: TestClient, keys: Keys, spend: dict) -> None:
    f = _findings(client, keys)[0]
    got = client.get(f"/api/v1/findings/{f['id']}", headers=keys.headers("it"))
    etag = got.headers["etag"]
    ok = client.post(
        f"/api/v1/findings/{f['id']}/decision",
        json={"decision": "reject", "cancel_by": str(_today() + timedelta(days=30))},
        headers={**keys.headers("it"), "If-Match": etag},
    )
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] != etag
    again = client.post(
        f"/api/v1/findings/{f['id']}/decision",
        json={"decision": "snooze", "snooze_until": str(_today() + timedelta(days=7))},
        headers={**keys.headers("it"), "If-Match": etag},
    )
    assert again.status_code == 409


def test_dismiss_wrong_match_creates_rule_and_reclassifies(
    client: TestClient, keys: Keys, spend: dict, session: Session
) -> None:
    zoom = next(f for f in _findings(client, keys, q="zoom"))
    r = client.post(
        f"/api/v1/findings/{zoom['id']}/decision",
        json={"decision": "dismiss", "not_software": True, "version": zoom["version"]},
        headers=keys.headers("it"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "dismissed"
    # the finding keeps what was dismissed: its six charges, though they are not software now
    assert r.json()["transaction_count"] == zoom["transaction_count"] == 6
    assert r.json()["total_minor"] == zoom["total_minor"]
    assert r.json()["closed_reason"] == "wrong_match"
    detail = client.get(f"/api/v1/findings/{zoom['id']}", headers=keys.headers("it")).json()
    assert len(detail["transactions"]) == 6
    assert sum(t["reporting_amount_minor"] for t in detail["transactions"]) == zoom["total_minor"]
    rules = session.exec(select(MatchRule)).all()
    assert rules
    assert all(rule.vendor_id is None for rule in rules)
    rows = session.exec(select(Transaction).where(Transaction.descriptor.like("ZOOM%"))).all()  # type: ignore[attr-defined]
    assert rows
    assert all(not t.is_software and t.matched_by == "rule" for t in rows)
    audit = client.get("/api/v1/audit?action=finding.dismissed", headers=keys.headers("it"))
    assert [e["entity_id"] for e in audit.json()["items"]] == [str(zoom["id"])]


def test_dismiss_needs_the_right_answer(client: TestClient, keys: Keys, spend: dict) -> None:
    f = _findings(client, keys)[0]
    r = client.post(
        f"/api/v1/findings/{f['id']}/decision",
        json={"decision": "dismiss"},
        headers=keys.headers("it"),
    )
    assert r.status_code == 422


def test_assign_comment_snooze_and_bulk(client: TestClient, keys: Keys, spend: dict) -> None:
    found = _findings(client, keys)
    first = found[0]
    h = keys.headers("it")
    r = client.patch(
        f"/api/v1/findings/{first['id']}", json={"assignee_email": "it-lead@example.com"}, headers=h
    )
    assert r.status_code == 200
    assert r.json()["assignee_email"] == "it-lead@example.com"
    c = client.post(
        f"/api/v1/findings/{first['id']}/comments", json={"comment": "asked the team"}, headers=h
    )
    assert c.status_code == 201
    detail = client.get(f"/api/v1/findings/{first['id']}", headers=h).json()
    assert [e["action"] for e in detail["history"]][-2:] == [
        "finding.assigned",
        "finding.commented",
    ]
    past = client.post(
        f"/api/v1/findings/{first['id']}/decision",
        json={"decision": "snooze", "snooze_until": str(_today())},
        headers=h,
    )
    assert past.status_code == 422
    ids = [f["id"] for f in found] + [999999]
    bulk = client.post(
        "/api/v1/findings/bulk-decision",
        json={
            "ids": ids,
            "decision": "snooze",
            "snooze_until": str(_today() + timedelta(days=14)),
        },
        headers=h,
    )
    assert bulk.status_code == 200
    statuses = {item["id"]: item["status"] for item in bulk.json()}
    assert statuses[999999] == 404
    assert all(statuses[f["id"]] == 200 for f in found)
    assert _findings(client, keys, status="snoozed")


def test_bulk_with_versions_leaves_a_finding_decided_meanwhile(
    client: TestClient, keys: Keys, spend: dict
) -> None:
    h = keys.headers("it")
    a, b = _findings(client, keys)[:2]
    # Someone snoozes A after the queue was loaded.
    later = client.post(
        f"/api/v1/findings/{a['id']}/decision",
        json={"decision": "snooze", "snooze_until": str(_today() + timedelta(days=7))},
        headers=h,
    )
    assert later.status_code == 200, later.text
    bulk = client.post(
        "/api/v1/findings/bulk-decision",
        json={
            "ids": [a["id"], b["id"]],
            "decision": "reject",
            "versions": {str(a["id"]): a["version"], str(b["id"]): b["version"]},
        },
        headers=h,
    )
    assert bulk.status_code == 200, bulk.text
    statuses = {item["id"]: item["status"] for item in bulk.json()}
    assert statuses == {a["id"]: 409, b["id"]: 200}
    after = client.get(f"/api/v1/findings/{a['id']}", headers=h).json()
    assert after["status"] == "snoozed"


def test_registration_links_to_findings(client: TestClient, keys: Keys, spend: dict) -> None:
    h = keys.headers("marketing")
    r = client.post(
        "/api/v1/registrations",
        json={
            "name": "canva",
            "owner_email": "mia@example.com",
            "purpose": "social posts",
            "seats": 3,
            "cost_minor": 11999,
            "currency": "USD",
            "period": "monthly",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    reg = r.json()
    assert reg["match"] == "matched"
    assert reg["spend_seen"] is True
    assert reg["department_id"] == keys.marketing_department_id
    assert reg["linked_finding_ids"]
    f = client.get(f"/api/v1/findings/{reg['linked_finding_ids'][0]}", headers=keys.headers("it"))
    assert f.json()["declared"]["text"].startswith("declared by Marketing on ")
    # a tool with no spend yet is listed for IT as declared-not-seen
    r = client.post("/api/v1/registrations", json={"name": "Figma", "purpose": "design"}, headers=h)
    assert r.status_code == 201, r.text
    not_seen = client.get("/api/v1/registrations?not_seen=true", headers=keys.headers("it"))
    names = [x["name_as_typed"] for x in not_seen.json()["items"]]
    assert "Figma" in names
    assert "canva" not in names
    # marketing cannot register for another department
    other = client.post(
        "/api/v1/registrations",
        json={"name": "Slack", "department_id": keys.marketing_department_id + 999},
        headers=h,
    )
    assert other.status_code == 403


def test_ambiguous_registration_lists_alternatives(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/registrations",
        json={"name": "zzqx design studio thing"},
        headers=keys.headers("marketing"),
    )
    assert r.status_code == 201
    assert r.json()["match"] in {"ambiguous", "unmatched"}
    assert r.json()["vendor_id"] is None


def test_sanctioned_inventory_closes_and_retire_reopens(
    client: TestClient, keys: Keys, spend: dict
) -> None:
    zoom = next(f for f in _findings(client, keys, q="zoom"))
    h = keys.headers("it")
    r = client.post(
        "/api/v1/sanctioned-apps",
        json={
            "vendor_id": zoom["vendor"]["id"],
            "owner_email": "it@example.com",
            "annual_value_minor": 240000,
            "currency": "USD",
            "seats": 20,
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    assert r.json()["findings_closed"] >= 1
    closed = client.get(f"/api/v1/findings/{zoom['id']}", headers=h).json()
    assert closed["status"] == "approved"
    dup = client.post(
        "/api/v1/sanctioned-apps", json={"vendor_id": zoom["vendor"]["id"]}, headers=h
    )
    assert dup.status_code == 409
    retired = client.post(f"/api/v1/sanctioned-apps/{r.json()['id']}/retire", json={}, headers=h)
    assert retired.status_code == 200
    reopened = client.get(f"/api/v1/findings/{zoom['id']}", headers=h).json()
    assert reopened["status"] == "open"
    assert reopened["transaction_count"] == 6


def test_webhook_on_high_findings(
    app: FastAPI, client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[httpx.Request] = []
    attempts = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        attempts["n"] += 1
        if attempts["n"] == 1:
            return httpx.Response(503)
        sent.append(request)
        return httpx.Response(200)

    monkeypatch.setattr(get_settings(), "webhook_url", "http://hooks.example/abc")
    app.dependency_overrides[webhook_delivery] = lambda: notify.Delivery(
        transport=httpx.MockTransport(handler), background=False
    )
    r = client.post(
        "/api/v1/registrations",
        json={"name": "Notion", "purpose": "wiki"},
        headers=keys.headers("marketing"),
    )
    assert r.status_code == 201
    assert sent, "the webhook was retried after a 503 and delivered"
    assert b"Notion" in sent[0].content
    for event_text in (e.content for e in sent):
        assert b"ssk_" not in event_text


def test_audit_is_append_only(client: TestClient, keys: Keys, session: Session) -> None:
    client.post("/api/v1/departments", json={"name": "Ops"}, headers=keys.headers("admin"))
    events = session.exec(select(AuditEvent)).all()
    assert events
    event_id = events[0].id
    h = keys.headers("admin")
    assert client.delete(f"/api/v1/audit/{event_id}", headers=h).status_code in (404, 405)
    assert client.patch(f"/api/v1/audit/{event_id}", json={}, headers=h).status_code in (404, 405)
    assert client.get("/api/v1/audit", headers=keys.headers("marketing")).status_code == 403


def test_finding_totals_follow_new_imports(
    client: TestClient, keys: Keys, spend: dict, session: Session
) -> None:
    before = {f.id: f.total_reporting_minor for f in session.exec(select(Finding))}
    months = _months_back(1)
    _import(
        client,
        keys,
        _statement(
            [
                (
                    months[0] + timedelta(days=1),
                    "CANVA* 04-9999999 SYDNEY AU",
                    "30.00",
                    "Mia",
                    "Marketing",
                )
            ]
        ),
    )
    after = {f.id: f.total_reporting_minor for f in session.exec(select(Finding))}
    changed = [i for i in before if after.get(i) != before[i]]
    assert len(changed) == 1
    assert after[changed[0]] - before[changed[0]] == 3000
