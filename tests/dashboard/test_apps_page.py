"""The app inventory (/apps), its CSV export and the page per app: figures equal the API's
spend feed, every role sees only what it may, filters and sort apply to page and CSV alike."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

import classifiers
from app.dashboard import labels
from app.models import SanctionedApp, Vendor
from tests.dashboard.conftest import Spend, sign_in

ROLES = ["admin", "it", "marketing", "finance", "viewer"]


def _csv(client: TestClient, query: str = "") -> list[dict[str, str]]:
    response = client.get("/apps.csv" + query)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def _by_vendor(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {r["vendor_id"]: r for r in rows}


def test_every_category_has_a_label_for_people() -> None:
    assert set(labels.categories()) == set(classifiers.CATEGORIES)
    for slug, text in labels.categories().items():
        assert "_" not in text, slug
        assert text[0].isupper(), slug
    assert labels.category(None) == "Uncategorised"
    assert labels.category("made_up_slug") == "made up slug"  # shown, never hidden


@pytest.mark.parametrize("role", ROLES)
def test_inventory_renders_for_every_role_with_only_what_it_may_see(
    client: TestClient, keys: Any, spend: Spend, role: str
) -> None:
    sign_in(client, keys.for_role(role))
    page = client.get("/apps")
    assert page.status_code == 200, page.text[:500]
    assert 'href="/apps" aria-current="page"' in page.text
    assert ('title="Open findings"' in page.text) == (role != "finance")
    registrations_column = "Registered</abbr></th>" in page.text
    assert registrations_column == (role in {"admin", "it", "marketing"})
    detail = client.get(f"/apps/{spend.figma_id}")
    assert detail.status_code == 200
    assert ('id="findings"' in detail.text) == (role != "finance")
    assert ('id="cardholders"' in detail.text) is False  # no cardholders in this data set
    rows = _by_vendor(_csv(client))
    if role == "marketing":
        # its own department's spend only: Sketchy 3 x 45.00, never Sales' 3 x 99.00
        assert rows[str(spend.figma_id)]["spend_minor"] == "13500"
        assert rows[str(spend.figma_id)]["departments"] == "Marketing"
        assert f"Sales {spend.sales_id}" not in page.text
    else:
        assert rows[str(spend.figma_id)]["spend_minor"] == str(3 * (45_00 + 99_00))
    assert ("open_findings" in next(iter(rows.values()))) == (role != "finance")


def test_inventory_figures_equal_the_spend_feed(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.admin)
    feed = client.get(
        "/api/v1/feeds/spend",
        params={"group_by": "vendor", "is_software": "true"},
        headers=keys.headers("admin"),
    ).json()
    expected = {
        str(r["vendor_id"]): r["sanctioned_minor"] + r["outside_it_minor"]
        for r in feed["rows"]
        if r["vendor_id"] is not None
    }
    rows = _by_vendor(_csv(client))
    for vendor_id in (str(spend.figma_id), str(spend.slack_id)):
        assert int(rows[vendor_id]["spend_minor"]) == expected[vendor_id]
    chatter = rows[str(spend.slack_id)]
    assert chatter["category"] == "Communication"  # words, not the slug
    assert chatter["status"] == "Bought outside IT"
    assert chatter["open_findings"] == "1"
    assert chatter["departments"] == "Marketing"
    page = client.get("/apps").text
    assert "USD 432.00" in page  # Sketchy: formatted as every page formats money
    assert '<svg class="spark"' in page
    assert "<title>" in page


def test_filters_sort_and_search_apply_to_page_and_csv(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.admin)
    only_design = _csv(client, "?category=design")
    assert [r["vendor_id"] for r in only_design] == [str(spend.figma_id)]
    assert re.search(r'id="app-count">1<', client.get("/apps?category=design").text)
    outside = _by_vendor(_csv(client, "?status=outside_it"))
    assert str(spend.slack_id) in outside
    searched = _csv(client, "?q=chatter")
    assert str(spend.slack_id) in _by_vendor(searched)
    assert str(spend.figma_id) not in _by_vendor(searched)
    by_sales = _by_vendor(_csv(client, f"?department_id={spend.sales_id}"))
    assert by_sales[str(spend.figma_id)]["spend_minor"] == str(3 * 99_00)
    assert str(spend.slack_id) not in by_sales
    by_name = [r["vendor"] for r in _csv(client, "?sort=name")]
    assert by_name == sorted(by_name, key=str.lower)
    by_spend = [int(r["spend_minor"]) for r in _csv(client)]
    assert by_spend == sorted(by_spend, reverse=True)
    assert client.get("/apps?sort=nonsense").status_code == 422
    # the filter form sends the fields left empty as empty strings
    blank = client.get("/apps?q=&category=&status=&department_id=&from=&to=&sort=spend")
    assert blank.status_code == 200
    assert client.get("/apps?from=2026-13-01").status_code == 422
    assert client.get("/apps?department_id=sales").status_code == 422
    assert "No app matches" in client.get("/apps?q=zzzz-no-such-app").text


def test_a_sanctioned_contract_shows_on_the_inventory_and_the_app_page(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    session.add(
        SanctionedApp(
            vendor_id=spend.figma_id,
            department_id=None,
            owner_email="design-lead@example.com",
            annual_value_minor=5_000_00,
            currency="USD",
            seats=12,
        )
    )
    session.commit()
    sign_in(client, keys.it)
    row = _by_vendor(_csv(client))[str(spend.figma_id)]
    assert row["status"] == "Sanctioned company-wide"
    assert row["contracts"] == "Company-wide"
    page = client.get(f"/apps/{spend.figma_id}").text
    assert "design-lead@example.com" in page
    assert "USD 5,000.00" in page
    assert "Edit or retire" in page  # IT may change it


def test_app_page_shows_spend_buyers_transactions_and_decisions(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    csrf = sign_in(client, keys.it)
    decided = client.post(
        f"/findings/{spend.finding_id}/comment",
        data={"csrf_token": csrf, "comment": "asked marketing why"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    page = client.get(f"/apps/{spend.slack_id}")
    assert page.status_code == 200
    assert 'id="app-spend-over-time-plot"' in page.text
    assert "Communication" in page.text
    assert "Marketing" in page.text
    assert f'href="/findings/{spend.finding_id}"' in page.text
    assert "asked marketing why" in page.text  # the decision trail
    assert page.text.count("<tr>\n    <td><time") == 3  # its three charges, newest first
    assert "/transactions?from=" in page.text
    assert f"vendor_id={spend.slack_id}" in page.text
    missing = client.get("/apps/999999999")
    assert missing.status_code == 404


def test_csv_cells_never_start_a_formula(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    vendor = session.get(Vendor, spend.figma_id)
    assert vendor is not None
    vendor.name = "=HYPERLINK(1)"
    session.add(vendor)
    session.commit()
    sign_in(client, keys.admin)
    row = _by_vendor(_csv(client))[str(spend.figma_id)]
    assert row["vendor"] == "'=HYPERLINK(1)"


def test_signed_out_goes_to_sign_in(client: TestClient) -> None:
    for path in ("/apps", "/apps/1", "/apps.csv", "/sanctioned", "/registrations/new"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
