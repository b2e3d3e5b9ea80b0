"""Brex card transactions against a fake that pages by cursor and filters by posted date, with
cardholders and departments from the card expenses it serves alongside."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from connectors.base import Channel, ConnectorConfigError, ConnectorTransientError
from connectors.brex import PURCHASE_SLACK, BrexConnector
from connectors.http import RepeatedCursorError, format_bookmark
from tests.connectors_api.helpers import NOW, Fake, build

CARDS = "/v2/transactions/card/primary"
EXPENSES = "/v1/expenses/card"


def card(
    n: int, posted: date, kind: str | None = "PURCHASE", amount: int = 1000, **extra: Any
) -> dict[str, Any]:
    return {
        "id": f"ctx_{n}",
        "card_id": "card_1",
        "description": f"Vendor {n}",
        "amount": {"amount": amount, "currency": "USD"},
        "initiated_at_date": (posted - timedelta(days=1)).isoformat(),
        "posted_at_date": posted.isoformat(),
        "type": kind,
        "merchant": {"raw_descriptor": f"VENDOR{n}* SUB", "mcc": "5734", "country": "USA"},
        **extra,
    }


def expense(n: int, purchased: datetime, **extra: Any) -> dict[str, Any]:
    """A card expense as read with ``expand[]=user`` and ``expand[]=department``."""
    return {
        "id": f"exp_{n}",
        "updated_at": purchased.isoformat(),
        "purchased_at": purchased.isoformat(),
        "user_id": f"user_{n}",
        "user": {"id": f"user_{n}", "first_name": f"Ada{n}", "last_name": "Lovelace"},
        "department_id": "dept_eng",
        "department": {"id": "dept_eng", "name": "Engineering"},
        **extra,
    }


def paged(rows: list[dict[str, Any]], params: httpx.QueryParams) -> httpx.Response:
    offset = int(params.get("cursor", "c0")[1:])
    limit = int(params["limit"])
    chunk = rows[offset : offset + limit]
    more = offset + limit < len(rows)
    return httpx.Response(
        200, json={"items": chunk, "next_cursor": f"c{offset + limit}" if more else None}
    )


class BrexServer:
    """Serves card transactions ``rows`` filtered by ``posted_at_start`` and card
    ``expenses`` filtered by purchase time, ``limit`` per page, opaque cursors."""

    def __init__(
        self, rows: list[dict[str, Any]], expenses: list[dict[str, Any]] | None = None
    ) -> None:
        self.rows = rows
        self.expenses = expenses or []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer tok"
        params = request.url.params
        if request.url.path == EXPENSES:
            return paged(self._expenses(params), params)
        assert request.url.path == CARDS
        rows = self.rows
        if "posted_at_start" in params:
            start = date.fromisoformat(params["posted_at_start"][:10])
            rows = [r for r in rows if date.fromisoformat(r["posted_at_date"]) >= start]
        return paged(rows, params)

    def _expenses(self, params: httpx.QueryParams) -> list[dict[str, Any]]:
        rows = self.expenses
        if "purchased_at_start" in params:
            start = datetime.fromisoformat(params["purchased_at_start"])
            rows = [r for r in rows if datetime.fromisoformat(r["purchased_at"]) >= start]
        if "purchased_at_end" in params:
            end = datetime.fromisoformat(params["purchased_at_end"])
            rows = [r for r in rows if datetime.fromisoformat(r["purchased_at"]) <= end]
        return rows


def connector(fake: Fake, page_size: int = 2, **config: Any) -> BrexConnector:
    built = build(
        BrexConnector,
        fake,
        {"base_url": "https://brex.test", "page_size": page_size, **config},
        {"api_token": "tok"},
    )
    assert isinstance(built, BrexConnector)
    return built


def test_pages_follow_the_cursor_and_only_the_last_carries_the_bookmark() -> None:
    today = NOW.date()
    rows = [card(n, today - timedelta(days=10 - n)) for n in range(5)]
    fake = Fake(BrexServer(rows))
    brex = connector(fake)
    window = brex.plan(None, now=NOW)
    pages = list(brex.fetch(window, None))
    assert [len(p.transactions) for p in pages] == [2, 2, 1]
    assert [p.next_bookmark for p in pages] == [None, None, format_bookmark(NOW)]
    assert [t.external_id for p in pages for t in p.transactions] == [f"ctx_{n}" for n in range(5)]
    cursors = [r.url.params.get("cursor") for r in fake.requests]
    assert fake.paths()[1:] == [CARDS] * 3
    assert cursors[1:] == [None, "c2", "c4"]


def test_mapping_signs_by_type_and_keeps_mcc() -> None:
    day = NOW.date() - timedelta(days=3)
    rows = [
        card(1, day, "PURCHASE", -2599),
        card(2, day, "REFUND", 500),
        card(3, day, "COLLECTION", 100000),
        card(4, day, "REWARDS_CREDIT", 300),
        card(5, day, "BNPL_FEE", 40, merchant=None),
        card(6, day, None, -75),
    ]
    brex = connector(Fake(BrexServer(rows)), page_size=10)
    (page,) = brex.fetch(brex.plan(None, now=NOW), None)
    got = {t.external_id: t for t in page.transactions}
    assert set(got) == {"ctx_1", "ctx_2", "ctx_5", "ctx_6"}
    first = got["ctx_1"]
    assert (first.amount_minor, first.currency, first.mcc) == (2599, "USD", "5734")
    assert first.descriptor == "VENDOR1* SUB"
    assert first.merchant_name == "Vendor 1"
    assert first.transaction_date == day - timedelta(days=1)
    assert first.posted_date == day
    assert first.channel is Channel.CARD
    assert got["ctx_2"].amount_minor == -500
    assert got["ctx_5"].descriptor == "Vendor 5"
    assert got["ctx_5"].mcc is None
    assert got["ctx_6"].amount_minor == -75  # unknown type: Brex's own sign is kept


def test_unreadable_rows_are_rejected_not_dropped() -> None:
    day = NOW.date() - timedelta(days=3)
    bad_currency = card(1, day, amount=100)
    bad_currency["amount"]["currency"] = "dollars"
    no_date = card(2, day)
    no_date["posted_at_date"] = "soon"
    rows = [bad_currency, no_date, card(3, day)]
    brex = connector(Fake(BrexServer(rows)), page_size=10)
    (page,) = brex.fetch(brex.plan(None, now=NOW), None)
    assert [t.external_id for t in page.transactions] == ["ctx_3"]
    assert [(r.external_id, "currency" in r.reason) for r in page.rejected] == [
        ("ctx_1", True),
        ("ctx_2", False),
    ]


def test_rows_posted_on_or_after_the_frozen_end_wait_for_the_next_sync() -> None:
    rows = [card(1, NOW.date() - timedelta(days=1)), card(2, NOW.date())]
    brex = connector(Fake(BrexServer(rows)), page_size=10)
    (page,) = brex.fetch(brex.plan(None, now=NOW), None)
    assert [t.external_id for t in page.transactions] == ["ctx_1"]


def test_window_start_is_sent_as_posted_at_start() -> None:
    fake = Fake(BrexServer([]))
    brex = connector(fake)
    bookmark = format_bookmark(NOW - timedelta(days=2))
    list(brex.fetch(brex.plan(bookmark, now=NOW), bookmark))
    (sent,) = {r.url.params["posted_at_start"] for r in fake.requests if r.url.path == CARDS}
    assert sent == format_bookmark(NOW - timedelta(days=2) - BrexConnector.lookback)


def test_a_repeated_cursor_stops_the_sync() -> None:
    rows = [card(n, NOW.date() - timedelta(days=2)) for n in range(3)]

    def stuck(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": rows, "next_cursor": "same"})

    fake = Fake(stuck)
    brex = connector(fake, with_expenses=False)
    pages = brex.fetch(brex.plan(None, now=NOW), None)
    first = next(pages)
    assert len(first.transactions) == 3
    assert first.next_bookmark is None
    with pytest.raises(RepeatedCursorError, match="'same'"):
        next(pages)
    assert len(fake.requests) == 2


def test_killed_sync_resumes_with_nothing_lost() -> None:
    today = NOW.date()
    rows = [card(n, today - timedelta(days=20 - n)) for n in range(9)]
    brex = connector(Fake(BrexServer(rows)))
    stored: str | None = None
    seen: set[str] = set()
    for number, page in enumerate(brex.fetch(brex.plan(stored, now=NOW), stored), start=1):
        seen |= {t.external_id for t in page.transactions}
        stored = page.next_bookmark or stored
        if number == 2:
            break  # the worker dies after committing two pages
    later = NOW + timedelta(hours=1)
    again = connector(Fake(BrexServer(rows)))
    for page in again.fetch(again.plan(stored, now=later), stored):
        seen |= {t.external_id for t in page.transactions}
        stored = page.next_bookmark or stored
    assert seen == {f"ctx_{n}" for n in range(9)}
    assert stored == format_bookmark(later)


# -- cardholders and departments from the card expenses ------------------------------------------


def test_expenses_give_the_matching_transactions_a_cardholder_and_department() -> None:
    day = NOW.date() - timedelta(days=3)
    bought = NOW - timedelta(days=4)
    rows = [
        card(1, day, expense_id="exp_1"),
        card(2, day, expense_id="exp_gone"),  # its expense is not listed
        card(3, day),  # no expense at all
        card(4, day, expense_id="exp_4"),
    ]
    expenses = [
        expense(1, bought),
        expense(4, bought, user=None, user_id="user_4", department=None),
        expense(5, bought),  # no transaction of this sync
    ]
    fake = Fake(BrexServer(rows, expenses))
    brex = connector(fake, page_size=10)
    (page,) = brex.fetch(brex.plan(None, now=NOW), None)
    got = {
        t.external_id: (t.cardholder_external_id, t.cardholder_name, t.department_name)
        for t in page.transactions
    }
    assert got == {
        "ctx_1": ("user_1", "Ada1 Lovelace", "Engineering"),
        "ctx_2": (None, None, None),
        "ctx_3": (None, None, None),
        "ctx_4": ("user_4", None, None),
    }
    assert fake.paths() == [EXPENSES, CARDS]
    assert fake.requests[0].url.params.get_list("expand[]") == ["user", "department"]
    assert "expand%5B%5D=user&expand%5B%5D=department" in str(fake.requests[0].url)


def test_expenses_are_read_for_the_window_with_slack_before_its_start() -> None:
    bookmark = format_bookmark(NOW - timedelta(days=2))
    start = NOW - timedelta(days=2) - BrexConnector.lookback
    rows = [card(1, start.date(), expense_id="exp_1"), card(2, start.date(), expense_id="exp_2")]
    expenses = [
        expense(1, start - PURCHASE_SLACK + timedelta(hours=1)),
        expense(2, start - PURCHASE_SLACK - timedelta(hours=1)),  # too early: not asked for
    ]
    fake = Fake(BrexServer(rows, expenses))
    brex = connector(fake, page_size=10)
    (page,) = brex.fetch(brex.plan(bookmark, now=NOW), bookmark)
    sent = fake.requests[0].url.params
    assert (sent["purchased_at_start"], sent["purchased_at_end"]) == (
        format_bookmark(start - PURCHASE_SLACK),
        format_bookmark(NOW),
    )
    assert [(t.external_id, t.cardholder_name) for t in page.transactions] == [
        ("ctx_1", "Ada1 Lovelace"),
        ("ctx_2", None),
    ]


def test_expenses_follow_next_cursor_before_the_first_transaction_page() -> None:
    bought = NOW - timedelta(days=4)
    rows = [card(n, NOW.date() - timedelta(days=3), expense_id=f"exp_{n}") for n in range(5)]
    fake = Fake(BrexServer(rows, [expense(n, bought) for n in range(5)]))
    brex = connector(fake)
    pages = list(brex.fetch(brex.plan(None, now=NOW), None))
    assert fake.paths() == [EXPENSES] * 3 + [CARDS] * 3
    assert [r.url.params.get("cursor") for r in fake.requests[:3]] == [None, "c2", "c4"]
    assert {r.url.params["limit"] for r in fake.requests} == {"2"}
    names = [t.cardholder_name for p in pages for t in p.transactions]
    assert names == [f"Ada{n} Lovelace" for n in range(5)]


def test_a_repeated_expenses_cursor_stops_the_sync_before_any_page() -> None:
    def stuck(request: httpx.Request) -> httpx.Response:
        assert request.url.path == EXPENSES
        body = {"items": [expense(1, NOW - timedelta(days=1))], "next_cursor": "again"}
        return httpx.Response(200, json=body)

    fake = Fake(stuck)
    brex = connector(fake)
    with pytest.raises(RepeatedCursorError, match=r"Brex card expenses: .*'again'"):
        next(brex.fetch(brex.plan(None, now=NOW), None))
    assert len(fake.requests) == 2


def test_without_expenses_no_expense_is_asked_for() -> None:
    rows = [card(1, NOW.date() - timedelta(days=3), expense_id="exp_1")]
    fake = Fake(BrexServer(rows, [expense(1, NOW - timedelta(days=4))]))
    brex = connector(fake, with_expenses=False)
    brex.check()
    (page,) = brex.fetch(brex.plan(None, now=NOW), None)
    assert fake.paths() == [CARDS, CARDS]
    (only,) = page.transactions
    assert (only.cardholder_external_id, only.cardholder_name, only.department_name) == (
        None,
        None,
        None,
    )


def test_check_probes_the_expenses_too() -> None:
    fake = Fake(BrexServer([], []))
    connector(fake).check()
    assert fake.paths() == [CARDS, EXPENSES]
    assert [r.url.params["limit"] for r in fake.requests] == ["1", "1"]


def check_or_first_page(brex: BrexConnector, how: str) -> None:
    if how == "check":
        brex.check()
    else:
        next(brex.fetch(brex.plan(None, now=NOW), None))


@pytest.mark.parametrize("how", ["check", "fetch"])
@pytest.mark.parametrize("status", [401, 403])
def test_a_token_without_the_expenses_scope_is_a_config_error(status: int, how: str) -> None:
    def no_scope(request: httpx.Request) -> httpx.Response:
        if request.url.path == EXPENSES:
            return httpx.Response(status, json={"message": "insufficient scope"})
        return httpx.Response(200, json={"items": [], "next_cursor": None})

    fake = Fake(no_scope)
    with pytest.raises(ConnectorConfigError) as caught:
        check_or_first_page(connector(fake), how)
    message = str(caught.value)
    assert not isinstance(caught.value, ConnectorTransientError)
    assert f"HTTP {status}" in message
    assert "insufficient scope" in message
    assert "grant the token the scope expenses.card.readonly" in message
    assert "set with_expenses to false" in message
    assert fake.paths().count(EXPENSES) == 1  # never retried
    assert fake.paths()[-1] == EXPENSES  # and no transaction page read after it
    assert fake.sleeps == []


def test_a_refused_transactions_call_does_not_mention_the_expenses_scope() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        if request.url.path == CARDS:
            return httpx.Response(403, json={"message": "nope"})
        return httpx.Response(200, json={"items": [], "next_cursor": None})

    brex = connector(Fake(refused))
    with pytest.raises(ConnectorConfigError) as caught:
        next(brex.fetch(brex.plan(None, now=NOW), None))
    assert "expenses.card.readonly" not in str(caught.value)


def test_expenses_can_live_at_another_base_url() -> None:
    hosts: list[str] = []
    server = BrexServer([card(1, NOW.date() - timedelta(days=3), expense_id="exp_1")])
    server.expenses = [expense(1, NOW - timedelta(days=4))]

    def route(request: httpx.Request) -> httpx.Response:
        hosts.append(f"{request.url.host}{request.url.path}")
        return server(request)

    brex = connector(Fake(route), page_size=10, expenses_base_url="https://expenses.brex.test/")
    (page,) = brex.fetch(brex.plan(None, now=NOW), None)
    assert hosts == [f"expenses.brex.test{EXPENSES}", f"brex.test{CARDS}"]
    assert page.transactions[0].cardholder_name == "Ada1 Lovelace"


def test_a_bad_expenses_base_url_is_a_config_error() -> None:
    with pytest.raises(ConnectorConfigError, match="expenses_base_url"):
        connector(Fake(BrexServer([])), expenses_base_url="expenses")
