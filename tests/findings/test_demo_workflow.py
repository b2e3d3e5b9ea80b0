"""The review workflow end to end on the demo company, through the API: the numbers a CIO
would quote from the findings page hold up, and decisions keep their history.

The demo is loaded once per backend into a throwaway database of its own (the loader commits,
so it cannot live in the rolled-back test session); the tests share it, each deciding on
vendors of its own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.findings import engine as findings_engine
from app.ingest.service import Ingestor
from app.models import Connection, Department, Finding, Transaction, Vendor
from connectors.base import RawTransaction
from tests.conftest import Demo

pytestmark = pytest.mark.xdist_group("demo")


def _all(demo: Demo, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
        r = demo.client.get(path, params=query, headers=demo.headers)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


def _finding(demo: Demo, finding_id: int) -> dict[str, Any]:
    r = demo.client.get(f"/api/v1/findings/{finding_id}", headers=demo.headers)
    assert r.status_code == 200, r.text
    return r.json()


RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def test_severity_discriminates_on_the_demo(demo: Demo) -> None:
    found = _all(demo, "/api/v1/findings", status="open", sort="severity")
    assert len(found) > 100
    severe = [f for f in found if f["severity"] in ("high", "critical")]
    assert 0 < len(severe) <= len(found) / 3
    assert all(f["annual_run_rate_minor"] >= 50_000 for f in severe)  # nothing under 500 a year
    # sort=severity: the label first, then the annualised spend
    keys = [(RANK[f["severity"]], f["annual_run_rate_minor"]) for f in found]
    assert keys == sorted(keys, reverse=True)
    for f in found:
        assert f["severity_score"] == sum(r["points"] for r in f["severity_factors"])
        assert [r["text"] for r in f["severity_factors"]] == f["severity_reasons"]


def test_redundancy_and_renewals_on_the_demo_hold_up(demo: Demo) -> None:
    r = demo.client.get("/api/v1/insights/redundancy", headers=demo.headers)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["period_label"].endswith("(the last 12 full months)")
    groups = {g["function"]: g for g in report["functions"]}
    members = {t["vendor"]["name"]: g["function"] for g in report["functions"] for t in g["tools"]}
    # the examples: a CRM, call recording, contact data and LinkedIn are not one job
    assert "Gong" not in members
    assert members.get("ZoomInfo") != members.get("Salesforce")
    assert members["Salesforce"] == members["HubSpot"] == "crm"
    assert groups["crm"]["keep"]["name"] == "Salesforce"  # sanctioned, under contract
    for g in report["functions"]:
        if g["estimate"]:
            assert g["keep"] is not None
            kept = next(t for t in g["tools"] if t["vendor"]["id"] == g["keep"]["id"])
            assert kept["sanctioned"]
            dropped = {d["vendor"] for d in g["estimate"]["inputs"]["dropped"]}
            assert all(not t["sanctioned"] for t in g["tools"] if t["vendor"]["name"] in dropped)
    renewals = _all(demo, "/api/v1/subscriptions/renewals")
    assert {"contract", "subscription"} == {x["kind"] for x in renewals}
    values = [x["annual_value_minor"] or -1 for x in renewals]
    assert values == sorted(values, reverse=True)
    contracts = [x for x in renewals if x["kind"] == "contract"]
    assert any(x["notice_days"] for x in contracts)
    assert all(x["act_by"] <= x["renews_on"] for x in contracts)


def test_a_company_wide_approval_keeps_the_history_of_every_department(demo: Demo) -> None:
    docusign = [f for f in _all(demo, "/api/v1/findings", q="docusign") if f["status"] == "open"]
    assert len(docusign) >= 3
    target, *siblings = docusign
    r = demo.client.post(
        f"/api/v1/findings/{target['id']}/decision",
        json={"decision": "approve", "scope": "company", "version": target["version"]},
        headers=demo.headers,
    )
    assert r.status_code == 200, r.text

    approved = _finding(demo, target["id"])
    assert approved["status"] == "approved"
    assert approved["closed_reason"] == "approved"
    # it still shows what was approved: the same totals, and the transactions behind them
    assert approved["transaction_count"] == target["transaction_count"] > 0
    assert approved["total_minor"] == target["total_minor"]
    assert len(approved["transactions"]) == target["transaction_count"]
    assert (
        sum(t["reporting_amount_minor"] for t in approved["transactions"]) == target["total_minor"]
    )
    assert not any(t["outside_it"] for t in approved["transactions"])  # sanctioned now

    events = _all(demo, "/api/v1/audit", action="finding.approved")
    decision = next(e for e in events if e["entity_id"] == str(target["id"]))
    assert approved["closed_by"]["event_id"] == decision["id"]
    for sibling in siblings:
        closed = _finding(demo, sibling["id"])
        assert closed["status"] == "approved"
        assert closed["closed_reason"] == "approved_company_wide"
        assert closed["closed_by"] == {
            **closed["closed_by"],
            "event_id": decision["id"],
            "finding_id": target["id"],
        }
        assert closed["transaction_count"] == sibling["transaction_count"]
        assert closed["total_minor"] == sibling["total_minor"]
        own = [e for e in events if e["entity_id"] == str(sibling["id"])]
        assert len(own) == 1
        assert own[0]["after"]["decision_event_id"] == decision["id"]
        assert any(h["action"] == "finding.approved" for h in closed["history"])

    # Later spend for the vendor, in a department that bought it: inside IT, nothing reopens.
    with Session(demo.engine) as s:
        vendor_id = target["vendor"]["id"]
        row = s.exec(select(Transaction).where(Transaction.vendor_id == vendor_id)).first()
        assert row is not None
        dept = s.get(Department, siblings[0]["department"]["id"])
        conn = s.get(Connection, row.connection_id)
        assert dept is not None
        assert conn is not None
        stats = Ingestor(s, conn).ingest(
            [
                RawTransaction(
                    external_id="after-approval-1",
                    transaction_date=datetime.now(UTC).date(),
                    amount_minor=4_500,
                    currency="USD",
                    descriptor=row.descriptor,
                    department_name=dept.name,
                )
            ]
        )
        findings_engine.refresh(s, stats.vendor_ids)
        s.commit()
        new = s.exec(select(Transaction).where(Transaction.external_id == "after-approval-1")).one()
        assert new.vendor_id == vendor_id
        assert new.outside_it is False
        statuses = s.exec(select(Finding.status).where(Finding.vendor_id == vendor_id)).all()
        assert set(statuses) == {"approved"}
        assert len(statuses) == len(docusign)
    assert _finding(demo, siblings[0]["id"])["total_minor"] == siblings[0]["total_minor"]


def test_bulk_company_wide_approval_of_one_vendors_findings(demo: Demo) -> None:
    miro = [f for f in _all(demo, "/api/v1/findings", q="miro") if f["status"] == "open"]
    assert len(miro) >= 2
    r = demo.client.post(
        "/api/v1/findings/bulk-decision",
        json={
            "decision": "approve",
            "scope": "company",
            "ids": [f["id"] for f in miro],
            "versions": {str(f["id"]): f["version"] for f in miro},
        },
        headers=demo.headers,
    )
    assert r.status_code == 200, r.text
    results = r.json()
    assert [x["status"] for x in results] == [200] * len(miro)
    assert all(
        x["detail"] == f"approved company-wide with finding {miro[0]['id']}" for x in results[1:]
    )
    for before in miro:
        after = _finding(demo, before["id"])
        assert after["status"] == "approved"
        assert after["total_minor"] == before["total_minor"]
    events = _all(demo, "/api/v1/audit", action="finding.approved")
    assert {e["entity_id"] for e in events} >= {str(f["id"]) for f in miro}


def test_a_closed_finding_is_not_decided_again(demo: Demo) -> None:
    trello = [f for f in _all(demo, "/api/v1/findings", q="trello") if f["status"] == "open"]
    first = trello[0]
    r = demo.client.post(
        f"/api/v1/findings/{first['id']}/decision",
        json={"decision": "dismiss", "not_software": True},
        headers=demo.headers,
    )
    assert r.status_code == 200, r.text
    dismissed = r.json()
    assert dismissed["closed_reason"] == "wrong_match"
    assert dismissed["total_minor"] == first["total_minor"]
    again = demo.client.post(
        f"/api/v1/findings/{first['id']}/decision",
        json={"decision": "approve"},
        headers=demo.headers,
    )
    assert again.status_code == 409
    assert "kept as history" in again.json()["detail"]
    # Every Trello charge prints the same descriptor: the rules take all of them, so the
    # other departments' findings close with this one instead of vanishing.
    with Session(demo.engine) as s:
        vendor = s.exec(select(Vendor).where(Vendor.slug == "trello")).one()
        live = s.exec(
            select(func.count())
            .select_from(Finding)
            .where(Finding.vendor_id == vendor.id, col(Finding.status) == "open")
        ).one()
    assert live == 0
    for other in trello[1:]:
        closed = _finding(demo, other["id"])
        assert closed["status"] == "dismissed"
        assert closed["closed_by"]["finding_id"] == first["id"]
        assert closed["total_minor"] == other["total_minor"]
        assert len(closed["transactions"]) == other["transaction_count"]
