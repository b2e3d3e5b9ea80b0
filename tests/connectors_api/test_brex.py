"""Brex card transactions against a fake that pages by cursor and filters by posted date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from connectors.base import Channel
from connectors.brex import BrexConnector
from connectors.http import RepeatedCursorError, format_bookmark
from tests.connectors_api.helpers import NOW, Fake, build


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


class BrexServer:
    """Serves ``rows`` filtered by ``posted_at_start``, ``limit`` per page, opaque cursors."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer tok"
        assert request.url.path == "/v2/transactions/card/primary"
        params = request.url.params
        rows = self.rows
        if "posted_at_start" in params:
            start = date.fromisoformat(params["posted_at_start"][:10])
            rows = [r for r in rows if date.fromisoformat(r["posted_at_date"]) >= start]
        offset = int(params.get("cursor", "c0")[1:])
        limit = int(params["limit"])
        chunk = rows[offset : offset + limit]
        more = offset + limit < len(rows)
        return httpx.Response(
            200, json={"items": chunk, "next_cursor": f"c{offset + limit}" if more else None}
        )


def connector(fake: Fake, page_size: int = 2) -> BrexConnector:
    built = build(
        BrexConnector,
        fake,
        {"base_url": "https://brex.test", "page_size": page_size},
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
    assert [r.url.params.get("cursor") for r in fake.requests] == [None, "c2", "c4"]


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
    sent = fake.requests[0].url.params["posted_at_start"]
    assert sent == format_bookmark(NOW - timedelta(days=2) - BrexConnector.lookback)


def test_a_repeated_cursor_stops_the_sync() -> None:
    rows = [card(n, NOW.date() - timedelta(days=2)) for n in range(3)]

    def stuck(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": rows, "next_cursor": "same"})

    fake = Fake(stuck)
    brex = connector(fake)
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
