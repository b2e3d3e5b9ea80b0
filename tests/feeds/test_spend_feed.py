"""GET /feeds/spend: splits, groupings, formats, caching, scoping, and totals that reconcile to
the cent with GET /transactions under the same filters."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.api_keys import service as api_keys_service
from app.db import utcnow
from app.models import Role
from tests.factories import Keys
from tests.feeds import factories as f


@dataclass
class World:
    eng_id: int
    ops_id: int
    figma_id: int
    slack_id: int
    eng_name: str
    ops_name: str


def _world(session: Session) -> World:
    """Three months of mixed spend: USD, EUR and GBP converted, JPY waiting for a rate,
    refunds and credits, a cross-source duplicate and a Plaid-removed row."""
    card, bank = f.connection(session, "Card"), f.connection(session, "Bank feed")
    eng, ops = f.department(session, "Engineering"), f.department(session, "Operations")
    figma = f.vendor(session, "Figma", category="design")
    slack = f.vendor(session, "Slack", category="communication")
    assert eng.id is not None
    assert ops.id is not None
    assert figma.id is not None
    assert slack.id is not None
    t = f.transaction
    sw = {"is_software": True}
    # Engineering: Figma sanctioned, Slack bought outside IT, lunch not software.
    t(
        session,
        card,
        on=date(2026, 1, 5),
        amount_minor=4_500,
        department_id=eng.id,
        vendor_id=figma.id,
        category="design",
        **sw,
    )
    t(
        session,
        card,
        on=date(2026, 1, 20),
        amount_minor=10_000,
        currency="EUR",
        reporting_amount_minor=10_812,
        department_id=eng.id,
        vendor_id=slack.id,
        category="communication",
        outside_it=True,
        **sw,
    )
    t(
        session,
        card,
        on=date(2026, 2, 2),
        amount_minor=-1_999,
        department_id=eng.id,
        vendor_id=slack.id,
        category="communication",
        outside_it=True,
        **sw,
    )  # refund
    t(session, card, on=date(2026, 2, 14), amount_minor=2_333, department_id=eng.id)
    original = t(
        session,
        card,
        on=date(2026, 3, 3),
        amount_minor=1_201,
        currency="GBP",
        reporting_amount_minor=1_543,
        department_id=eng.id,
        vendor_id=figma.id,
        category="design",
        **sw,
    )
    # The same charge seen again by the bank feed: counted once.
    t(
        session,
        bank,
        on=date(2026, 3, 3),
        amount_minor=1_201,
        currency="GBP",
        reporting_amount_minor=1_543,
        department_id=eng.id,
        vendor_id=figma.id,
        category="design",
        duplicate_of_id=original.id,
        **sw,
    )
    # Operations: a credit, a JPY charge with no rate yet, a removed row.
    t(
        session,
        card,
        on=date(2026, 1, 31),
        amount_minor=-501,
        department_id=ops.id,
        vendor_id=figma.id,
        category="design",
        **sw,
    )
    t(
        session,
        card,
        on=date(2026, 2, 28),
        amount_minor=15_000,
        currency="JPY",
        reporting_currency=None,
        department_id=ops.id,
        vendor_id=slack.id,
        category="communication",
        outside_it=True,
        **sw,
    )
    removed = t(session, card, on=date(2026, 2, 1), amount_minor=99_999, department_id=ops.id)
    removed.removed_at = utcnow()
    session.add(removed)
    # No department, an EUR refund, and a row after the range the tests ask for.
    t(
        session,
        card,
        on=date(2026, 3, 31),
        amount_minor=-777,
        currency="EUR",
        reporting_amount_minor=-841,
        vendor_id=slack.id,
        category="communication",
        outside_it=True,
        **sw,
    )
    t(session, card, on=date(2026, 4, 1), amount_minor=123_456)
    session.flush()
    return World(eng.id, ops.id, figma.id, slack.id, eng.name, ops.name)


# The world's rows are all in 2026: asked without a period, the feed would cover the default
# one (the last 12 full months), which moves with the calendar.
WORLD = {"from": "2026-01-01", "to": "2026-12-31"}


def _feed(client: TestClient, keys: Keys, role: str = "finance", **params: Any) -> Any:
    if "from" not in params and "to" not in params:
        params = {**WORLD, **params}
    r = client.get("/api/v1/feeds/spend", params=params, headers=keys.headers(role))
    assert r.status_code == 200, r.text
    return r


def _listed(client: TestClient, keys: Keys, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/transactions", params=query, headers=keys.headers("finance"))
        assert page.status_code == 200, page.text
        out += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return out


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"from": "2026-01-01", "to": "2026-03-31"},
        {"from": "2026-02-01", "to": "2026-02-28", "is_software": "true"},
        {"outside_it": "true"},
        {"category": "design"},
        {"include_duplicates": "true"},
        {"q": "test", "channel": "card"},
    ],
)
def test_totals_reconcile_to_the_cent_with_the_transaction_list(
    client: TestClient, keys: Keys, session: Session, filters: dict[str, str]
) -> None:
    w = _world(session)
    listed = _listed(client, keys, **filters)
    converted = [t for t in listed if t["reporting_amount_minor"] is not None]
    for group_by in ("", "department", "vendor,month", "category,quarter,department"):
        body = _feed(client, keys, group_by=group_by, **filters).json()
        totals = body["totals"]
        assert totals["total_minor"] == sum(t["reporting_amount_minor"] for t in converted)
        assert totals["transaction_count"] == len(listed)
        assert totals["unconverted_count"] == len(listed) - len(converted)
        software = [t for t in converted if t["classification"]["is_software"]]
        assert totals["outside_it_minor"] == sum(
            t["reporting_amount_minor"] for t in software if t["outside_it"]
        )
        for metric in ("sanctioned_minor", "total_minor", "transaction_count"):
            assert sum(r[metric] for r in body["rows"]) == totals[metric]
    by_dept = _feed(client, keys, group_by="department", department_id=w.eng_id, **filters)
    eng_rows = [t for t in converted if t["department_id"] == w.eng_id]
    assert by_dept.json()["totals"]["total_minor"] == sum(
        t["reporting_amount_minor"] for t in eng_rows
    )


def test_split_by_department_with_exact_figures(
    client: TestClient, keys: Keys, session: Session
) -> None:
    w = _world(session)
    body = _feed(client, keys, group_by="department", **{"from": "2026-01-01", "to": "2026-03-31"})
    body = body.json()
    assert body["reporting_currency"] == "USD"
    assert (body["from"], body["to"], body["group_by"]) == (
        "2026-01-01",
        "2026-03-31",
        ["department"],
    )
    rows = {r["department_id"]: r for r in body["rows"]}
    eng, ops, none = rows[w.eng_id], rows[w.ops_id], rows[None]
    assert eng["department_name"] == w.eng_name
    # 45.00 + 15.43 sanctioned; 108.12 - 19.99 outside IT; 23.33 not software.
    assert (eng["sanctioned_minor"], eng["outside_it_minor"], eng["not_software_minor"]) == (
        6_043,
        8_813,
        2_333,
    )
    assert (eng["total_minor"], eng["total"], eng["transaction_count"]) == (17_189, "171.89", 5)
    assert (eng["sanctioned"], eng["outside_it"], eng["not_software"]) == (
        "60.43",
        "88.13",
        "23.33",
    )
    assert (ops["total_minor"], ops["sanctioned"], ops["transaction_count"]) == (-501, "-5.01", 2)
    assert ops["unconverted_count"] == 1
    assert (none["department_name"], none["outside_it_minor"], none["total"]) == (
        None,
        -841,
        "-8.41",
    )
    assert body["totals"]["total_minor"] == 17_189 - 501 - 841
    assert body["totals"]["total"] == "158.47"
    assert body["totals"]["unconverted_count"] == 1
    # Named departments sorted by name, the row without a department last.
    assert [r["department_id"] for r in body["rows"]] == [w.eng_id, w.ops_id, None]
    assert body["columns"] == [
        "department_id",
        "department_name",
        "reporting_currency",
        "sanctioned_minor",
        "sanctioned",
        "outside_it_minor",
        "outside_it",
        "not_software_minor",
        "not_software",
        "total_minor",
        "total",
        "transaction_count",
        "unconverted_count",
    ]
    assert all(list(r) == body["columns"] for r in body["rows"])


def test_periods_vendors_and_categories(client: TestClient, keys: Keys, session: Session) -> None:
    w = _world(session)
    params = {"from": "2026-01-01", "to": "2026-06-30"}
    months = _feed(client, keys, group_by="month", **params).json()
    assert [(r["month"], r["total_minor"]) for r in months["rows"]] == [
        ("2026-01", 4_500 + 10_812 - 501),
        ("2026-02", -1_999 + 2_333),
        ("2026-03", 1_543 - 841),
        ("2026-04", 123_456),
    ]
    quarters = _feed(client, keys, group_by="quarter,vendor", **params).json()
    assert quarters["columns"][:3] == ["vendor_id", "vendor_name", "quarter"]
    figma_q1 = next(
        r for r in quarters["rows"] if r["vendor_id"] == w.figma_id and r["quarter"] == "2026-Q1"
    )
    assert (figma_q1["sanctioned_minor"], figma_q1["transaction_count"]) == (4_500 + 1_543 - 501, 3)
    assert {r["quarter"] for r in quarters["rows"]} == {"2026-Q1", "2026-Q2"}
    cats = _feed(client, keys, group_by="category", is_software="true").json()["rows"]
    assert {r["category"]: r["total_minor"] for r in cats} == {
        "communication": 10_812 - 1_999 - 841,
        "design": 4_500 + 1_543 - 501,
    }
    total = _feed(client, keys, group_by="").json()
    assert len(total["rows"]) == 1
    assert total["rows"][0]["total_minor"] == total["totals"]["total_minor"]


def test_empty_feed_has_zero_totals(client: TestClient, keys: Keys) -> None:
    body = _feed(client, keys, **{"from": "1999-01-01", "to": "1999-12-31"}).json()
    assert body["rows"] == []
    assert (body["totals"]["total_minor"], body["totals"]["total"]) == (0, "0.00")


@pytest.mark.parametrize(
    "params",
    [
        {"group_by": "department,team"},
        {"group_by": "month,month"},
        {"format": "xml"},
        {"from": "2026-02-01", "to": "2026-01-01"},
    ],
)
def test_bad_queries_are_problems(client: TestClient, keys: Keys, params: dict[str, str]) -> None:
    r = client.get("/api/v1/feeds/spend", params=params, headers=keys.headers("finance"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


def test_csv_opens_cleanly_in_excel(client: TestClient, keys: Keys, session: Session) -> None:
    w = _world(session)
    f.department(session, '=HYPERLINK("http://x")')
    json_rows = _feed(client, keys, group_by="department,month").json()["rows"]
    r = _feed(client, keys, group_by="month,department", format="csv")
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == (
        'attachment; filename="spend_department-month_from-2026-01-01_to-2026-12-31.csv"'
    )
    raw = r.content
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == len(json_rows) + 1
    assert b"\n" not in raw.replace(b"\r\n", b"")
    parsed = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(parsed[0])[:4] == [
        "department_id",
        "department_name",
        "month",
        "reporting_currency",
    ]
    assert len(parsed) == len(json_rows)
    for got, want in zip(parsed, json_rows, strict=True):
        assert got["total"] == want["total"]
        assert int(got["total_minor"]) == want["total_minor"]
        assert got["department_id"] == (
            "" if want["department_id"] is None else str(want["department_id"])
        )
    eng = next(p for p in parsed if p["department_id"] == str(w.eng_id) and p["month"] == "2026-02")
    assert (eng["outside_it"], eng["not_software"]) == ("-19.99", "23.33")


def test_csv_guards_against_formulas(client: TestClient, keys: Keys, session: Session) -> None:
    conn = f.connection(session)
    evil = f.department(session, "=cmd|' /C calc'!A0")
    f.transaction(session, conn, on=date(2026, 1, 1), amount_minor=-100, department_id=evil.id)
    text = _feed(client, keys, format="csv").content.decode("utf-8-sig")
    assert f",'{evil.name}," in text or f',"\'{evil.name}",' in text
    assert ",-1.00," in text  # negative amounts stay numbers


def test_ndjson_streams_one_object_per_line(
    client: TestClient, keys: Keys, session: Session
) -> None:
    _world(session)
    body = _feed(client, keys, group_by="vendor,month").json()
    r = _feed(client, keys, group_by="vendor,month", format="ndjson")
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = r.content.decode().splitlines()
    assert len(lines) == len(body["rows"])
    parsed = [json.loads(line) for line in lines]
    assert parsed == body["rows"]
    assert list(parsed[0]) == body["columns"]


def test_etag_and_last_modified(client: TestClient, keys: Keys, session: Session) -> None:
    w = _world(session)
    first = _feed(client, keys, group_by="department")
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert first.headers["last-modified"].endswith("GMT")
    again = client.get(
        "/api/v1/feeds/spend?group_by=department&from=2026-01-01&to=2026-12-31",
        headers={**keys.headers("finance"), "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    # Another format or another query is another representation.
    assert _feed(client, keys, group_by="department", format="csv").headers["etag"] != etag
    assert _feed(client, keys, group_by="month").headers["etag"] != etag
    stale = client.get(
        "/api/v1/feeds/spend?group_by=department&from=2026-01-01&to=2026-12-31",
        headers={**keys.headers("finance"), "If-None-Match": '"other", W/' + etag},
    )
    assert stale.status_code == 304
    # A new row under the filter changes the ETag.
    f.transaction(
        session, f.connection(session), on=date(2026, 5, 1), amount_minor=1, department_id=w.ops_id
    )
    changed = client.get(
        "/api/v1/feeds/spend?group_by=department&from=2026-01-01&to=2026-12-31",
        headers={**keys.headers("finance"), "If-None-Match": etag},
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_who_may_read_and_department_scope(
    client: TestClient, keys: Keys, session: Session
) -> None:
    w = _world(session)
    assert _feed(client, keys, role="viewer").status_code == 200
    assert _feed(client, keys, role="admin").status_code == 200
    for role in ("it", "marketing"):
        r = client.get("/api/v1/feeds/spend", headers=keys.headers(role))
        assert r.status_code == 403
    _, scoped = api_keys_service.create_key(
        session, name="ops finance", role=Role.FINANCE, department_id=w.ops_id
    )
    session.commit()
    headers = {"Authorization": f"Bearer {scoped}"}
    body = client.get("/api/v1/feeds/spend?group_by=department", headers=headers).json()
    assert [r["department_id"] for r in body["rows"]] == [w.ops_id]
    other = client.get(f"/api/v1/feeds/spend?department_id={w.eng_id}", headers=headers)
    assert other.status_code == 403


def test_rows_converted_to_another_reporting_currency_are_unconverted(
    client: TestClient, keys: Keys, session: Session
) -> None:
    conn = f.connection(session)
    dept = f.department(session, "Finance")
    day = date(2026, 6, 1)
    f.transaction(session, conn, on=day, amount_minor=1_000, department_id=dept.id)
    f.transaction(
        session,
        conn,
        on=day,
        amount_minor=400,
        currency="GBP",
        reporting_amount_minor=470,
        reporting_currency="EUR",  # converted before the reporting currency changed
        department_id=dept.id,
        is_software=True,
    )
    body = _feed(client, keys, department_id=dept.id).json()
    (row,) = body["rows"]
    assert (row["total_minor"], row["sanctioned_minor"]) == (1_000, 0)
    assert (row["transaction_count"], row["unconverted_count"]) == (2, 1)


def test_without_a_period_the_feed_covers_the_last_12_full_months(
    client: TestClient, keys: Keys, session: Session
) -> None:
    card = f.connection(session)
    this_month = utcnow().date().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    year_ago = date(this_month.year - 1, this_month.month, 1)
    for day, amount in (
        (this_month, 1),  # not yet a full month: left out
        (last_month, 20),
        (year_ago, 300),  # the first day of the period
        (year_ago - timedelta(days=1), 4_000),  # a day before it
    ):
        f.transaction(session, card, on=day, amount_minor=amount)
    session.flush()
    body = client.get(
        "/api/v1/feeds/spend", params={"group_by": ""}, headers=keys.headers("finance")
    ).json()
    assert (body["from"], body["to"]) == (
        year_ago.isoformat(),
        (this_month - timedelta(days=1)).isoformat(),
    )
    assert body["totals"]["total_minor"] == 320
