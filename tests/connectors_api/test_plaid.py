"""Plaid ``/transactions/sync`` against a fake that serves a change log by cursor."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from connectors.base import ConnectorConfigError, ConnectorTransientError
from connectors.http import ProviderProtocolError, RepeatedCursorError
from connectors.plaid import PlaidConnector
from tests.connectors_api.helpers import NOW, Fake, build

SECRETS = {"client_id": "cid", "secret": "plaid-secret-xyz", "access_token": "access-sandbox-1"}


def txn(n: int, amount: float = 12.5, **extra: Any) -> dict[str, Any]:
    return {
        "transaction_id": f"t{n}",
        "account_id": "acc1",
        "amount": amount,
        "iso_currency_code": "USD",
        "unofficial_currency_code": None,
        "date": "2026-02-10",
        "authorized_date": "2026-02-08",
        "name": f"SaaS {n}",
        "merchant_name": f"Saas{n}",
        "pending": False,
        "account_owner": None,
        **extra,
    }


class PlaidServer:
    """Changes are ``("added"|"modified"|"removed", record)``; cursor ``cN`` = after N."""

    def __init__(self, changes: list[tuple[str, dict[str, Any]]]) -> None:
        self.changes = changes
        self.mutate_once_at: str | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/transactions/sync"
        assert request.headers["PLAID-CLIENT-ID"] == "cid"
        assert request.headers["PLAID-SECRET"] == "plaid-secret-xyz"
        assert request.headers["Plaid-Version"] == "2020-09-14"
        body = json.loads(request.content)
        assert body["access_token"] == "access-sandbox-1"
        assert "secret" not in body
        cursor = body.get("cursor")
        if cursor is not None and cursor == self.mutate_once_at:
            self.mutate_once_at = None
            return httpx.Response(
                400,
                json={
                    "error_type": "TRANSACTIONS_ERROR",
                    "error_code": "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION",
                    "error_message": "Underlying transaction data changed",
                },
            )
        start = int(cursor[1:]) if cursor else 0
        chunk = self.changes[start : start + body["count"]]
        end = start + len(chunk)
        out: dict[str, Any] = {"added": [], "modified": [], "removed": []}
        for kind, record in chunk:
            out[kind].append(record)
        return httpx.Response(
            200,
            json={
                **out,
                "accounts": [],
                "next_cursor": f"c{end}",
                "has_more": end < len(self.changes),
                "request_id": "r",
                "transactions_update_status": "HISTORICAL_UPDATE_COMPLETE",
            },
        )


def plaid(fake: Fake, **config: Any) -> PlaidConnector:
    built = build(
        PlaidConnector, fake, {"base_url": "https://plaid.test", "page_size": 2, **config}, SECRETS
    )
    assert isinstance(built, PlaidConnector)
    return built


CHANGES: list[tuple[str, dict[str, Any]]] = [
    ("added", txn(1, 12.5)),
    ("added", txn(2, -3.1)),
    ("added", txn(3, 1000, iso_currency_code="JPY")),
    ("modified", txn(1, 15.0)),
    ("removed", {"transaction_id": "t2", "account_id": "acc1"}),
]


def test_each_page_carries_its_cursor_and_removals_are_tombstones() -> None:
    fake = Fake(PlaidServer(CHANGES))
    connector = plaid(fake)
    pages = list(connector.fetch(connector.plan(None, now=NOW), None))
    assert [p.next_bookmark for p in pages] == ["c2", "c4", "c5"]
    rows = [t for p in pages for t in p.transactions]
    assert [(t.external_id, t.amount_minor, t.currency, t.removed) for t in rows] == [
        ("t1", 1250, "USD", False),
        ("t2", -310, "USD", False),
        ("t3", 1000, "JPY", False),
        ("t1", 1500, "USD", False),
        ("t2", 0, "XXX", True),
    ]
    first = rows[0]
    assert first.descriptor == "SaaS 1"
    assert first.merchant_name == "Saas1"
    assert (str(first.transaction_date), str(first.posted_date)) == ("2026-02-08", "2026-02-10")
    sent = [json.loads(r.content).get("cursor") for r in fake.requests]
    assert sent == [None, "c2", "c4"]


def test_resumes_from_the_stored_cursor() -> None:
    fake = Fake(PlaidServer(CHANGES))
    connector = plaid(fake)
    pages = list(connector.fetch(connector.plan("c4", now=NOW), "c4"))
    assert [t.external_id for p in pages for t in p.transactions] == ["t2"]
    assert json.loads(fake.requests[0].content)["cursor"] == "c4"


def test_killed_after_two_pages_loses_nothing() -> None:
    changes = [("added", txn(n)) for n in range(7)]
    connector = plaid(Fake(PlaidServer(changes)))
    stored = None
    seen: list[str] = []
    for number, page in enumerate(connector.fetch(connector.plan(stored, now=NOW), stored), 1):
        seen += [t.external_id for t in page.transactions]
        stored = page.next_bookmark or stored
        if number == 2:
            break
    assert stored == "c4"
    again = plaid(Fake(PlaidServer(changes)))
    for page in again.fetch(again.plan(stored, now=NOW), stored):
        seen += [t.external_id for t in page.transactions]
    assert seen == [f"t{n}" for n in range(7)]  # each exactly once


def test_pending_and_other_accounts_are_skipped_unless_asked() -> None:
    changes = [
        ("added", txn(1, pending=True)),
        ("added", txn(2, account_id="acc2")),
        ("added", txn(3)),
    ]
    connector = plaid(Fake(PlaidServer(changes)), page_size=10, account_ids=["acc1"])
    (page,) = connector.fetch(connector.plan(None, now=NOW), None)
    assert [t.external_id for t in page.transactions] == ["t3"]
    connector = plaid(Fake(PlaidServer(changes)), page_size=10, include_pending=True)
    (page,) = connector.fetch(connector.plan(None, now=NOW), None)
    assert [t.external_id for t in page.transactions] == ["t1", "t2", "t3"]


def test_mutation_during_pagination_restarts_from_the_first_cursor() -> None:
    server = PlaidServer(CHANGES)
    server.mutate_once_at = "c2"
    fake = Fake(server)
    connector = plaid(fake)
    pages = list(connector.fetch(connector.plan(None, now=NOW), None))
    sent = [json.loads(r.content).get("cursor") for r in fake.requests]
    assert sent == [None, "c2", None, "c2", "c4"]
    assert pages[-1].next_bookmark == "c5"
    assert fake.sleeps == []


def test_endless_mutation_gives_up_as_transient() -> None:
    def always(request: httpx.Request) -> httpx.Response:
        code = "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION"
        return httpx.Response(400, json={"error_code": code})

    fake = Fake(always)
    with pytest.raises(ConnectorTransientError, match="kept changing"):
        list(plaid(fake, max_restarts=2).fetch(plaid(fake).plan(None, now=NOW), None))
    assert len(fake.requests) == 3


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ITEM_LOGIN_REQUIRED", "log in again"),
        ("INVALID_ACCESS_TOKEN", "access token"),
        ("INVALID_API_KEYS", "client id or secret"),
    ],
)
def test_item_errors_tell_a_human_what_to_do(code: str, expected: str) -> None:
    fake = Fake(lambda r: httpx.Response(400, json={"error_code": code, "error_message": "x"}))
    with pytest.raises(ConnectorConfigError, match=expected) as caught:
        plaid(fake).check()
    assert len(fake.requests) == 1
    assert "plaid-secret-xyz" not in str(caught.value)
    assert "access-sandbox-1" not in str(caught.value)


def test_product_not_ready_is_transient() -> None:
    fake = Fake(lambda r: httpx.Response(400, json={"error_code": "PRODUCT_NOT_READY"}))
    with pytest.raises(ConnectorTransientError):
        plaid(fake).check()
    assert len(fake.requests) == 5


def test_has_more_with_the_same_cursor_is_refused() -> None:
    def stuck(request: httpx.Request) -> httpx.Response:
        body = {"added": [txn(1)], "modified": [], "removed": [], "next_cursor": "same"}
        return httpx.Response(200, json={**body, "has_more": True})

    connector = plaid(Fake(stuck))
    pages = connector.fetch(connector.plan(None, now=NOW), None)
    next(pages)
    with pytest.raises((RepeatedCursorError, ProviderProtocolError)):
        next(pages)


def test_an_item_without_data_yet_keeps_the_bookmark() -> None:
    def empty(request: httpx.Request) -> httpx.Response:
        body = {"added": [], "modified": [], "removed": [], "next_cursor": ""}
        return httpx.Response(200, json={**body, "has_more": False})

    connector = plaid(Fake(empty))
    (page,) = connector.fetch(connector.plan(None, now=NOW), None)
    assert page.next_bookmark is None
