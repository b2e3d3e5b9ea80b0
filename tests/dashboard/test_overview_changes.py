"""The overview's "what changed": deltas against the previous period that agree with the
spend feed and the findings list, the trends as inline SVG, the estimated savings with the
page that explains them, and the top open findings by spend."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.dashboard.changes import month_ends, open_at, previous
from app.db import utcnow
from app.periods import Period, default_period
from tests.dashboard.conftest import Spend, make_finding, sign_in


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period(date(2026, 3, 1), date(2026, 3, 10)), Period(date(2026, 2, 19), date(2026, 2, 28))),
        (
            Period(date(2026, 1, 1), date(2026, 1, 1)),
            Period(date(2025, 12, 31), date(2025, 12, 31)),
        ),
        (default_period(date(2026, 12, 7)), Period(date(2024, 12, 1), date(2025, 11, 30))),
        (Period(None, date(2026, 3, 10)), None),
    ],
)
def test_the_previous_period_is_as_long_and_just_before(
    period: Period, expected: Period | None
) -> None:
    assert previous(period) == expected


def test_open_findings_at_a_date_count_first_seen_and_undecided() -> None:
    decided = utcnow().replace(year=2026, month=3, day=5, hour=10)
    dates = [(date(2026, 1, 10), None), (date(2026, 2, 1), decided), (date(2026, 3, 20), None)]
    assert open_at(dates, date(2026, 1, 9)) == 0
    assert open_at(dates, date(2026, 2, 28)) == 2
    assert open_at(dates, date(2026, 3, 5)) == 1  # decided that day
    assert open_at(dates, date(2026, 3, 31)) == 2
    assert month_ends(["2026-01", "2026-02", "2026-12"], date(2026, 12, 7)) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 12, 7),
    ]


def _delta(html: str, label: str) -> tuple[str, str | None]:
    found = re.search(
        rf'data-delta="{label}[^"]*">.*?<span class="kpi-value">(.*?)</span>(.*?)</li>', html, re.S
    )
    assert found is not None, label
    now = re.sub(r"<[^>]+>", "", found.group(1)).strip()
    before = re.search(r"before: ([^<]+)</span>", found.group(2))
    return now, before.group(1).strip() if before else None


def _usd(minor: int) -> str:
    return f"USD {minor / 100:,.2f}"


def _feed(client: TestClient, key: str, lo: str, hi: str, **params: str) -> dict[str, Any]:
    answer = client.get(
        "/api/v1/feeds/spend",
        params={"from": lo, "to": hi, "is_software": "true", **params},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_deltas_agree_with_the_spend_feed(client: TestClient, keys: Any, spend: Spend) -> None:
    sign_in(client, keys.admin)
    # The newest month with spend against the month-long period before it.
    lo, hi = spend.days[0] - timedelta(days=14), spend.days[0] + timedelta(days=14)
    page = client.get("/", params={"from": lo.isoformat(), "to": hi.isoformat()})
    assert page.status_code == 200
    html = page.text
    before = previous(Period(lo, hi))
    assert before is not None
    assert before.date_from is not None
    assert before.date_to is not None
    assert f"{before.date_from.isoformat()} to {before.date_to.isoformat()}" in html
    for period, side in (((lo, hi), 0), ((before.date_from, before.date_to), 1)):
        feed = _feed(client, keys.admin, period[0].isoformat(), period[1].isoformat())
        totals = feed["totals"]
        software = totals["sanctioned_minor"] + totals["outside_it_minor"]
        assert _delta(html, "Software spend")[side] == _usd(software)
        assert _delta(html, "Outside-IT spend")[side] == _usd(totals["outside_it_minor"])
        by_vendor = _feed(
            client, keys.admin, period[0].isoformat(), period[1].isoformat(), group_by="vendor"
        )
        apps = [r for r in by_vendor["rows"] if r["vendor_id"] is not None and r["total_minor"]]
        assert _delta(html, "Apps with spend")[side] == str(len(apps))
    # the spend fixture: one month of software each side
    assert _delta(html, "Software spend")[0] == _usd(12_00 + 45_00 + 99_00)


def test_open_findings_today_agree_with_the_queue(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    make_finding(
        session,
        spend.figma_id,
        spend.sales_id,
        total_reporting_minor=900_00,
        first_seen_date=spend.days[0],
    )
    sign_in(client, keys.it)
    today = utcnow().date()
    html = client.get("/", params={"from": spend.days[-1].isoformat(), "to": today.isoformat()})
    api = client.get(
        "/api/v1/findings",
        params={"status": "open", "limit": 200},
        headers={"Authorization": f"Bearer {keys.it}"},
    ).json()["items"]
    now, before = _delta(html.text, f"Open findings on {today.isoformat()}")
    assert now == str(len(api))
    assert before == "0"  # none was first seen before the period
    # top findings by spend: the largest first
    queue = html.text[html.text.index('id="queue-title"') :]
    assert queue.index("Sketchy") < queue.index("Chatter")


def test_trends_savings_and_their_explanation(client: TestClient, keys: Any, spend: Spend) -> None:
    sign_in(client, keys.admin)
    html = client.get("/").text
    assert html.count('<svg class="spark"') == 2
    assert "Outside-IT spend by month" in html
    assert (
        "Open findings at each month&#39;s end" in html
        or "Open findings at each month's end" in html
    )
    assert 'id="savings"' in html
    assert 'href="/redundancy#how-estimated"' in html
    explained = client.get("/redundancy").text
    assert 'id="how-estimated"' in explained
    assert "15%" in explained


def test_scoped_and_finance_keys_see_only_what_they_may(
    client: TestClient, keys: Any, spend: Spend
) -> None:
    sign_in(client, keys.finance)
    html = client.get("/").text
    assert 'data-delta="Software spend"' in html
    assert 'data-delta="Open findings' not in html  # finance may not see findings
    assert html.count('<svg class="spark"') == 1
    client.cookies.clear()
    sign_in(client, keys.marketing)
    html = client.get("/").text
    assert 'id="savings"' not in html  # redundancy compares departments
    lo, hi = spend.days[-1], spend.days[0]
    scoped = client.get("/", params={"from": lo.isoformat(), "to": hi.isoformat()}).text
    # the marketing department's software only: chatter 12.00 and sketchy 45.00, three months
    assert _delta(scoped, "Software spend")[0] == _usd(3 * (12_00 + 45_00))
