"""Ramp against a fake: client-credentials token, absolute ``page.next`` URLs on Ramp's host,
date filters, user and department look-ups, reimbursements."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from connectors.base import Channel, ConnectorConfigError
from connectors.http import RepeatedCursorError, format_bookmark
from connectors.ramp import RampConnector
from tests.connectors_api.helpers import NOW, Fake, build

BASE = "https://proxy.test/ramp/developer/v1"
SECRETS = {"client_id": "ramp-client", "client_secret": "ramp-secret-123"}
USERS = {
    "u1": {"id": "u1", "email": "ana@example.com", "department_id": "d1"},
    "u2": {"id": "u2", "email": "bo@example.com", "department_id": "d2"},
}
DEPARTMENTS = {"d1": "Marketing", "d2": "Engineering"}


def card(n: int, when: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"rt{n}",
        "amount": 49.99,
        "currency_code": "USD",
        "user_transaction_time": when.isoformat(),
        "settlement_date": (when + timedelta(days=1)).isoformat(),
        "merchant_descriptor": f"SAAS{n}.IO",
        "merchant_name": f"Saas{n}",
        "merchant_category_code": "5734",
        "memo": None,
        "state": "CLEARED",
        "card_holder": {
            "user_id": "u1",
            "first_name": "Ana",
            "last_name": "Lima",
            "department_name": "Marketing",
        },
        **extra,
    }


def reimbursement(n: int, updated: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"re{n}",
        "amount": 120.5,
        "currency": "USD",
        "original_reimbursement_amount": None,
        "direction": "BUSINESS_TO_USER",
        "merchant": f"Tool {n}",
        "memo": "team licence",
        "state": "REIMBURSED",
        "type": "OUT_OF_POCKET",
        "transaction_date": "2026-02-01",
        "updated_at": updated.isoformat(),
        "user_id": "u2",
        "user_full_name": "Bo Berg",
        "user_email": None,
        **extra,
    }


class RampServer:
    """A small Ramp: honours from/to_date, ascending order, ``start`` cursors, page_size."""

    def __init__(
        self, cards: list[dict[str, Any]], reimbursements: list[dict[str, Any]] | None = None
    ) -> None:
        self.cards = cards
        self.reimbursements = reimbursements or []
        self.tokens = 0
        self.expire_token_after: int | None = None
        self.calls_with_token = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host == "proxy.test"
        path = request.url.path.removeprefix("/ramp/developer/v1/")
        if path == "token":
            return self.token(request)
        auth = request.headers.get("Authorization")
        if auth != f"Bearer tok{self.tokens}":
            return httpx.Response(401, json={"error_v2": {"message": "bad token"}})
        self.calls_with_token += 1
        if self.expire_token_after is not None and self.calls_with_token > self.expire_token_after:
            self.expire_token_after = None
            self.tokens += 100  # the server forgot the token: the client must fetch another
            return httpx.Response(401, json={"error_v2": {"message": "expired"}})
        params = request.url.params
        if path.startswith("users/"):
            user = USERS.get(path.removeprefix("users/"))
            return httpx.Response(200, json=user) if user else httpx.Response(404)
        if path.startswith("departments/"):
            key = path.removeprefix("departments/")
            return httpx.Response(200, json={"id": key, "name": DEPARTMENTS[key]})
        if path == "transactions":
            rows = sorted(self.cards, key=lambda r: r["user_transaction_time"])
            if "from_date" in params:
                start = datetime.fromisoformat(params["from_date"])
                rows = [
                    r for r in rows if datetime.fromisoformat(r["user_transaction_time"]) >= start
                ]
            if "to_date" in params:
                end = datetime.fromisoformat(params["to_date"])
                rows = [r for r in rows if datetime.fromisoformat(r["user_transaction_time"]) < end]
            if params.get("order_by_date_asc") != "true":
                rows.reverse()  # Ramp's default order is not oldest first
        elif path == "reimbursements":
            rows = self.reimbursements
            if "updated_after" in params:
                after = datetime.fromisoformat(params["updated_after"])
                rows = [r for r in rows if datetime.fromisoformat(r["updated_at"]) >= after]
        else:
            return httpx.Response(404)
        return self.page(path, rows, params)

    def page(
        self, path: str, rows: list[dict[str, Any]], params: httpx.QueryParams
    ) -> httpx.Response:
        size = int(params["page_size"])
        offset = 0
        if "start" in params:
            offset = next(i for i, r in enumerate(rows) if r["id"] == params["start"]) + 1
        chunk = rows[offset : offset + size]
        following = None
        if offset + size < len(rows):
            query = httpx.QueryParams(params).set("start", chunk[-1]["id"])
            following = f"https://api.ramp.com/developer/v1/{path}?{query}"
        return httpx.Response(200, json={"data": chunk, "page": {"next": following}})

    def token(self, request: httpx.Request) -> httpx.Response:
        basic = base64.b64encode(b"ramp-client:ramp-secret-123").decode()
        if request.headers.get("Authorization") != f"Basic {basic}":
            return httpx.Response(401, json={"error": "invalid_client"})
        if request.headers["Content-Type"] == "application/json":
            body = json.loads(request.content)
        else:
            body = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        assert body["grant_type"] == "client_credentials"
        assert "transactions:read" in body["scope"]
        self.tokens += 1
        return httpx.Response(
            200,
            json={"access_token": f"tok{self.tokens}", "expires_in": 3600, "token_type": "Bearer"},
        )


def ramp(fake: Fake, **config: Any) -> RampConnector:
    built = build(RampConnector, fake, {"base_url": BASE, "page_size": 2, **config}, SECRETS)
    assert isinstance(built, RampConnector)
    return built


def cards(count: int) -> list[dict[str, Any]]:
    return [card(n, NOW - timedelta(days=count - n, hours=3)) for n in range(count)]


def test_card_pages_rebased_onto_the_configured_host_with_names_and_bookmarks() -> None:
    fake = Fake(RampServer(cards(5)))
    connector = ramp(fake, include_reimbursements=False)
    pages = list(connector.fetch(connector.plan(None, now=NOW), None))
    assert [len(p.transactions) for p in pages] == [2, 2, 1]
    rows = [t for p in pages for t in p.transactions]
    assert [t.external_id for t in rows] == [f"rt{n}" for n in range(5)]
    # Intermediate pages resume after the newest transaction they hold; the last at the end.
    assert pages[0].next_bookmark == format_bookmark(NOW - timedelta(days=4, hours=3))
    assert pages[-1].next_bookmark == format_bookmark(NOW)
    first = rows[0]
    assert (first.amount_minor, first.currency, first.mcc) == (4999, "USD", "5734")
    assert (first.descriptor, first.merchant_name) == ("SAAS0.IO", "Saas0")
    assert first.cardholder_name == "Ana Lima"
    assert first.cardholder_external_id == "u1"
    assert first.cardholder_email == "ana@example.com"
    assert first.department_name == "Marketing"
    assert first.channel is Channel.CARD
    assert first.posted_date == first.transaction_date + timedelta(days=1)
    hosts = {r.url.host for r in fake.requests}
    assert hosts == {"proxy.test"}
    listing = [r for r in fake.requests if r.url.path.endswith("/transactions")]
    assert [r.url.params.get("start") for r in listing] == [None, "rt1", "rt3"]
    # One token for the whole sync, one user look-up however many rows.
    assert fake.paths().count("/ramp/developer/v1/token") == 1
    assert fake.paths().count("/ramp/developer/v1/users/u1") == 1


def test_window_is_sent_and_the_frozen_end_respected() -> None:
    rows = [*cards(3), card(9, NOW + timedelta(minutes=5))]
    fake = Fake(RampServer(rows))
    connector = ramp(fake, include_reimbursements=False, page_size=10)
    bookmark = format_bookmark(NOW - timedelta(days=1))
    (page,) = connector.fetch(connector.plan(bookmark, now=NOW), bookmark)
    assert "rt9" not in {t.external_id for t in page.transactions}
    sent = fake.requests[1].url.params
    assert sent["from_date"] == format_bookmark(NOW - timedelta(days=8))
    assert sent["to_date"] == format_bookmark(NOW)


def test_killed_card_sync_resumes_with_nothing_lost() -> None:
    rows = cards(9)
    connector = ramp(Fake(RampServer(rows)), include_reimbursements=False)
    stored: str | None = format_bookmark(NOW - timedelta(days=30))
    seen: set[str] = set()
    for number, page in enumerate(connector.fetch(connector.plan(stored, now=NOW), stored), 1):
        seen |= {t.external_id for t in page.transactions}
        stored = page.next_bookmark or stored
        if number == 3:
            break
    assert len(seen) == 6
    again = ramp(Fake(RampServer(rows)), include_reimbursements=False)
    later = NOW + timedelta(minutes=10)
    for page in again.fetch(again.plan(stored, now=later), stored):
        seen |= {t.external_id for t in page.transactions}
        stored = page.next_bookmark or stored
    assert seen == {f"rt{n}" for n in range(9)}
    assert stored == format_bookmark(later)


def test_reimbursements_come_first_with_department_from_the_user() -> None:
    recent = NOW - timedelta(days=2)
    refunds = [
        reimbursement(1, recent),
        reimbursement(2, recent, direction="USER_TO_BUSINESS", amount=10),
        reimbursement(3, recent, type="MILEAGE"),
        reimbursement(4, recent, state="REJECTED"),
        reimbursement(5, NOW + timedelta(minutes=1)),
        reimbursement(
            6, recent, original_reimbursement_amount={"amount": 9000, "currency_code": "EUR"}
        ),
    ]
    fake = Fake(RampServer(cards(1), refunds))
    connector = ramp(fake, page_size=10)
    pages = list(connector.fetch(connector.plan(None, now=NOW), None))
    assert [p.next_bookmark for p in pages] == [None, format_bookmark(NOW)]
    got = {t.external_id: t for t in pages[0].transactions}
    assert set(got) == {
        "reimbursement:re1",
        "reimbursement:re2",
        "reimbursement:re4",
        "reimbursement:re6",
    }
    first = got["reimbursement:re1"]
    assert (first.amount_minor, first.currency, first.channel) == (
        12050,
        "USD",
        Channel.REIMBURSEMENT,
    )
    assert (first.descriptor, first.memo) == ("Tool 1", "team licence")
    assert (first.cardholder_name, first.cardholder_email) == ("Bo Berg", "bo@example.com")
    assert first.department_name == "Engineering"
    assert got["reimbursement:re2"].amount_minor == -1000
    assert got["reimbursement:re4"].removed
    assert (got["reimbursement:re6"].amount_minor, got["reimbursement:re6"].currency) == (
        9000,
        "EUR",
    )
    assert [t.external_id for t in pages[1].transactions] == ["rt0"]
    assert fake.paths().count("/ramp/developer/v1/departments/d2") == 1


def test_declined_cards_are_tombstones_and_unknown_users_leave_names_empty() -> None:
    rows = [card(1, NOW - timedelta(days=1), state="DECLINED")]
    rows[0]["card_holder"] = {"user_id": "gone"}
    connector = ramp(Fake(RampServer(rows)), include_reimbursements=False)
    (page,) = connector.fetch(connector.plan(None, now=NOW), None)
    (row,) = page.transactions
    assert row.removed
    assert (row.cardholder_name, row.cardholder_email, row.department_name) == (None, None, None)


def test_an_expired_token_is_replaced_once() -> None:
    server = RampServer(cards(4))
    server.expire_token_after = 2
    fake = Fake(server)
    connector = ramp(fake, include_reimbursements=False)
    pages = list(connector.fetch(connector.plan(None, now=NOW), None))
    assert sum(len(p.transactions) for p in pages) == 4
    assert fake.paths().count("/ramp/developer/v1/token") == 2


@pytest.mark.parametrize("encoding", ["form", "json"])
def test_token_body_encoding(encoding: str) -> None:
    fake = Fake(RampServer([]))
    ramp(fake, grant_encoding=encoding).check()
    expected = "application/json" if encoding == "json" else "application/x-www-form-urlencoded"
    assert fake.requests[0].headers["Content-Type"] == expected


def test_refused_client_is_a_config_error_without_the_secret() -> None:
    fake = Fake(RampServer([]))
    built = build(
        RampConnector, fake, {"base_url": BASE}, {"client_id": "ramp-client", "client_secret": "x"}
    )
    with pytest.raises(ConnectorConfigError, match="refused the credentials") as caught:
        built.check()
    assert "ramp-secret-123" not in str(caught.value)
    assert len(fake.requests) == 1


def test_token_endpoint_outage_is_retried() -> None:
    server = RampServer([])
    outages = [503, 503]

    def flaky(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token") and outages:
            return httpx.Response(outages.pop())
        return server(request)

    fake = Fake(flaky)
    ramp(fake).check()
    assert fake.sleeps == [1.0, 2.0]


def test_a_next_url_seen_before_is_refused() -> None:
    def stuck(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "t", "expires_in": 60})
        page = {"next": "https://api.ramp.com/developer/v1/transactions?start=abc"}
        return httpx.Response(200, json={"data": [], "page": page})

    connector = ramp(Fake(stuck), include_reimbursements=False)
    with pytest.raises(RepeatedCursorError, match="start=abc"):
        list(connector.fetch(connector.plan(None, now=NOW), None))
