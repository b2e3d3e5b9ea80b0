"""The findings and transactions filters and their CSV exports: the same filters as the API,
totals that agree with the API's rows, every row in the CSV, formula cells neutralised, and
the department scope applied as the API applies it."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import SanctionedApp, Vendor
from tests.dashboard.conftest import Spend, make_finding, sign_in


def _api_rows(client: TestClient, key: str, path: str, params: dict[str, Any]) -> list[Any]:
    """Every item of a paginated API list."""
    items: list[Any] = []
    cursor = None
    while True:
        page = client.get(
            path,
            params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return items


def _kpi(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]+)<', html)
    assert found is not None, element_id
    return found.group(1)


def _usd(minor: int) -> str:
    return f"USD {minor / 100:,.2f}"


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def more_findings(session: Session, spend: Spend) -> list[int]:
    """Three more findings beside the spend fixture's: different severities, departments and
    statuses, and a vendor whose name a spreadsheet would run as a formula."""
    tricky = Vendor(name="=SUM(A1:A9) Tools", slug="dash-formula-tools", category="design")
    session.add(tricky)
    session.commit()
    assert tricky.id is not None
    return [
        make_finding(
            session,
            spend.figma_id,
            spend.sales_id,
            severity="critical",
            total_reporting_minor=297_00,
        ),
        make_finding(
            session, tricky.id, spend.sales_id, severity="low", total_reporting_minor=5_00
        ),
        make_finding(
            session,
            spend.figma_id,
            spend.marketing_id,
            status="approved",
            severity="medium",
            total_reporting_minor=40_00,
        ),
    ]


FINDING_FILTERS = [
    {"status": "open"},
    {"status": "all"},
    {"status": "open", "severity": "critical"},
    {"status": "all", "category": "design"},
    {"status": "open", "kind": "vendors", "q": "sketchy"},
]


@pytest.mark.parametrize("params", FINDING_FILTERS)
def test_findings_totals_and_csv_agree_with_the_api(
    client: TestClient, keys: Any, spend: Spend, more_findings: list[int], params: dict[str, str]
) -> None:
    sign_in(client, keys.it)
    api_params = {k: v for k, v in params.items() if not (k == "status" and v == "all")}
    if api_params.pop("kind", None) == "vendors":
        api_params["unrecognised"] = "false"
    api = _api_rows(client, keys.it, "/api/v1/findings", api_params)
    page = client.get("/findings", params=params)
    assert page.status_code == 200
    assert _kpi(page.text, "findings-count") == str(len(api))
    assert _kpi(page.text, "findings-total") == _usd(sum(f["total_minor"] for f in api))
    assert _kpi(page.text, "findings-run-rate") == _usd(
        sum(f["annual_run_rate_minor"] for f in api)
    )
    exported = client.get("/findings.csv", params=params)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = _csv(exported.text)
    assert [int(r["id"]) for r in rows] == [f["id"] for f in api]
    assert sum(int(r["total_minor"]) for r in rows) == sum(f["total_minor"] for f in api)


def test_findings_filters_narrow_by_department_and_vendor(
    client: TestClient, keys: Any, spend: Spend, more_findings: list[int]
) -> None:
    sign_in(client, keys.it)
    page = client.get(
        "/findings", params={"department_id": spend.sales_id, "vendor_id": spend.figma_id}
    )
    assert page.status_code == 200
    assert f'href="/findings/{more_findings[0]}"' in page.text
    assert f'href="/findings/{spend.finding_id}"' not in page.text
    assert _kpi(page.text, "findings-count") == "1"
    # the form shows what it filtered on
    assert f'<option value="{spend.sales_id}" selected>' in page.text
    # the CSV link carries the same filters
    assert f"/findings.csv?status=open&amp;department_id={spend.sales_id}" in page.text


def test_findings_csv_neutralises_formula_cells(
    client: TestClient, keys: Any, spend: Spend, more_findings: list[int]
) -> None:
    sign_in(client, keys.it)
    rows = _csv(client.get("/findings.csv", params={"status": "all"}).text)
    names = {r["vendor"] for r in rows}
    assert "'=SUM(A1:A9) Tools" in names
    assert not any(name.startswith("=") for name in names)


def test_findings_filters_refuse_bad_input_with_a_page(client: TestClient, keys: Any) -> None:
    sign_in(client, keys.it)
    page = client.get("/findings", params={"department_id": "sales"})
    assert page.status_code == 422
    assert "department_id must be a whole number" in page.text
    assert client.get("/findings.csv", params={"vendor_id": "x"}).status_code == 422


def test_a_scoped_key_exports_only_its_department(
    client: TestClient, keys: Any, spend: Spend, more_findings: list[int]
) -> None:
    sign_in(client, keys.marketing)
    rows = _csv(client.get("/findings.csv", params={"status": "all"}).text)
    assert {int(r["id"]) for r in rows} == {spend.finding_id, more_findings[2]}
    # asking for another department is not a way round the scope
    asked = client.get("/findings.csv", params={"department_id": spend.sales_id})
    assert asked.status_code == 403
    assert "scoped to another department" in asked.text
    assert (
        client.get("/transactions.csv", params={"department_id": spend.sales_id}).status_code == 403
    )
    tx = _csv(client.get("/transactions.csv").text)
    assert tx
    assert {r["department"] for r in tx} == {"Marketing"}


TX_FILTERS = [
    {},
    {"is_software": "true", "outside_it": "true"},
    {"is_software": "false"},
    {"outside_it": "false", "is_software": "true"},
    {"category": "design"},
    {"q": "chatter"},
    {"channel": "card"},
]


@pytest.mark.parametrize("params", TX_FILTERS)
def test_transactions_totals_and_csv_agree_with_the_api(
    client: TestClient, keys: Any, spend: Spend, params: dict[str, str]
) -> None:
    sign_in(client, keys.admin)
    period = {"from": min(spend.days).isoformat(), "to": max(spend.days).isoformat()}
    api = _api_rows(client, keys.admin, "/api/v1/transactions", {**period, **params})
    page = client.get("/transactions", params={**period, **params})
    assert page.status_code == 200
    assert _kpi(page.text, "tx-count") == f"{len(api):,}"
    assert _kpi(page.text, "tx-total") == _usd(sum(t["reporting_amount_minor"] for t in api))
    rows = _csv(client.get("/transactions.csv", params={**period, **params}).text)
    assert [int(r["id"]) for r in rows] == [t["id"] for t in api]
    assert sum(int(r["reporting_amount_minor"]) for r in rows) == sum(
        t["reporting_amount_minor"] for t in api
    )


def test_transactions_form_offers_every_filter_and_empty_selects_mean_any(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.admin)
    page = client.get(
        "/transactions",
        params={
            "q": "",
            "department_id": str(spend.sales_id),
            "vendor_id": "",
            "category": "",
            "is_software": "",
            "outside_it": "true",
            "channel": "",
        },
    )
    assert page.status_code == 200
    for name in ("department_id", "vendor_id", "category", "is_software", "outside_it", "q"):
        assert f'name="{name}"' in page.text
    # only the sales figma charges: 3 x 99.00
    assert _kpi(page.text, "tx-total") == _usd(3 * 99_00)
    assert "bought outside IT" in page.text
    bad = client.get("/transactions", params={"is_software": "maybe"})
    assert bad.status_code == 422


def test_registrations_sanctioned_and_subscriptions_export_what_the_api_lists(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    made = client.post(
        "/api/v1/registrations",
        json={"name": "=HYPERLINK(1) notes", "purpose": "@team wiki", "seats": 3},
        headers={"Authorization": f"Bearer {keys.marketing}"},
    )
    assert made.status_code == 201, made.text
    session.add(SanctionedApp(vendor_id=spend.figma_id, department_id=None, owner_email="it@x.io"))
    session.commit()
    sign_in(client, keys.marketing)
    regs = _csv(client.get("/registrations.csv").text)
    api_regs = _api_rows(client, keys.marketing, "/api/v1/registrations", {"status": "active"})
    assert [int(r["id"]) for r in regs] == [r["id"] for r in api_regs]
    assert regs[0]["name_as_typed"] == "'=HYPERLINK(1) notes"
    assert regs[0]["purpose"] == "'@team wiki"
    assert 'id="registrations-csv"' in client.get("/registrations").text
    client.cookies.clear()
    sign_in(client, keys.it)
    apps = _csv(client.get("/sanctioned.csv", params={"status": "all"}).text)
    api_apps = _api_rows(client, keys.it, "/api/v1/sanctioned-apps", {"status": "all"})
    assert sorted(int(a["id"]) for a in apps) == sorted(a["id"] for a in api_apps)
    assert any(a["vendor_id"] == str(spend.figma_id) for a in apps)
    subs = client.get("/subscriptions.csv")
    assert subs.status_code == 200
    api_subs = _api_rows(client, keys.it, "/api/v1/subscriptions", {})
    assert len(_csv(subs.text)) == len(api_subs)
    assert subs.text.splitlines()[0].startswith("vendor_id,vendor_name")
