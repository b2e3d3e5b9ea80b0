"""Xero against a fake: refresh-token rotation, If-Modified-Since, numbered pages, mapping."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from connectors.base import Channel, ConnectorConfigError
from connectors.http import RepeatedCursorError, format_bookmark
from connectors.xero import XeroConnector, XeroSecrets, ms_timestamp
from tests.connectors_api.helpers import NOW, Fake, build

BASE = "https://xero.test/api.xro/2.0"
TOKEN_URL = "https://identity.test/connect/token"


def ms(value: datetime) -> str:
    return f"/Date({int(value.timestamp() * 1000)}+0000)/"


def bank(
    n: int, updated: datetime, kind: str = "SPEND", total: Any = 99.5, **extra: Any
) -> dict[str, Any]:
    return {
        "BankTransactionID": f"bt{n}",
        "Type": kind,
        "Status": "AUTHORISED",
        "Contact": {"ContactID": "c1", "Name": f"Vendor {n} Ltd"},
        "Reference": f"INV-{n}",
        "DateString": "2026-02-03T00:00:00",
        "Date": "/Date(1770076800000+0000)/",
        "Total": total,
        "CurrencyCode": "GBP",
        "UpdatedDateUTC": ms(updated),
        "LineItems": [
            {"Description": "Seats", "Tracking": [{"Name": "Region", "Option": "EU"}]},
            {"Description": "Seats", "Tracking": [{"Name": "department", "Option": "Sales"}]},
        ],
        **extra,
    }


class XeroServer:
    """Token rotation (each refresh token works once) and BankTransactions paging."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.valid_refresh = "rt0"
        self.issued = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "identity.test":
            return self.token(request)
        assert request.url.path.startswith("/api.xro/2.0/")
        assert request.headers["xero-tenant-id"] == "tenant-1"
        if request.headers.get("Authorization") != f"Bearer at{self.issued}":
            return httpx.Response(401, json={"Detail": "TokenExpired"})
        path = request.url.path.removeprefix("/api.xro/2.0/")
        if path == "Organisation":
            return httpx.Response(200, json={"Organisations": [{"Name": "Demo"}]})
        assert path == "BankTransactions"
        params = request.url.params
        assert params["order"] == "UpdatedDateUTC ASC"
        rows = sorted(self.rows, key=lambda r: ms_timestamp(r["UpdatedDateUTC"], "u"))
        since = request.headers.get("If-Modified-Since")
        if since:
            start = datetime.fromisoformat(since)
            rows = [r for r in rows if ms_timestamp(r["UpdatedDateUTC"], "u") >= start]
        number = int(params["page"])
        size = int(params["pageSize"])
        chunk = rows[(number - 1) * size : number * size]
        return httpx.Response(200, json={"Status": "OK", "BankTransactions": chunk})

    def token(self, request: httpx.Request) -> httpx.Response:
        basic = base64.b64encode(b"xero-client:xero-secret").decode()
        assert request.headers["Authorization"] == f"Basic {basic}"
        body = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        assert body["grant_type"] == "refresh_token"
        if body["refresh_token"] != self.valid_refresh:
            return httpx.Response(400, json={"error": "invalid_grant"})
        self.issued += 1
        self.valid_refresh = f"rt{self.issued}"  # single use: the old one is dead now
        return httpx.Response(
            200,
            json={
                "access_token": f"at{self.issued}",
                "expires_in": 1800,
                "refresh_token": self.valid_refresh,
            },
        )


def xero(fake: Fake, refresh: str = "rt0", **kwargs: Any) -> XeroConnector:
    config = {"base_url": BASE, "token_url": TOKEN_URL, "tenant_id": "tenant-1", "page_size": 2}
    secrets = {"client_id": "xero-client", "client_secret": "xero-secret", "refresh_token": refresh}
    built = build(XeroConnector, fake, config, secrets, **kwargs)
    assert isinstance(built, XeroConnector)
    return built


def test_rotated_refresh_token_is_surfaced_at_once_and_used_next_time() -> None:
    server = XeroServer([])
    stored: list[XeroSecrets] = []
    connector = xero(Fake(server), on_secrets_rotated=stored.append)
    connector.check()
    assert [s.refresh_token.get_secret_value() for s in stored] == ["rt1"]
    assert connector.secrets.refresh_token.get_secret_value() == "rt1"
    assert connector.secrets.client_id.get_secret_value() == "xero-client"
    # A second connector built with the old token fails: a human must reconnect.
    with pytest.raises(ConnectorConfigError, match="reconnect"):
        xero(Fake(server), refresh="rt0").check()
    # One built from the stored token works and rotates again.
    newer = xero(Fake(server), refresh=stored[-1].refresh_token.get_secret_value())
    newer.check()
    assert newer.secrets.refresh_token.get_secret_value() == "rt2"


def test_pages_bookmarks_and_if_modified_since() -> None:
    rows = [bank(n, NOW - timedelta(days=5 - n)) for n in range(5)]
    fake = Fake(XeroServer(rows))
    connector = xero(fake)
    bookmark = format_bookmark(NOW - timedelta(days=10))
    pages = list(connector.fetch(connector.plan(bookmark, now=NOW), bookmark))
    assert [len(p.transactions) for p in pages] == [2, 2, 1]
    assert pages[0].next_bookmark == format_bookmark(NOW - timedelta(days=4))
    assert pages[-1].next_bookmark == format_bookmark(NOW)
    listing = [r for r in fake.requests if r.url.path.endswith("BankTransactions")]
    assert [r.url.params["page"] for r in listing] == ["1", "2", "3"]
    expected = format_bookmark(NOW - timedelta(days=10) - XeroConnector.lookback)
    assert {r.headers["If-Modified-Since"] for r in listing} == {expected}
    assert sum(r.url.host == "identity.test" for r in fake.requests) == 1


def test_mapping_signs_types_and_tombstones() -> None:
    day = NOW - timedelta(days=1)
    rows = [
        bank(1, day),
        bank(2, day, "RECEIVE", 20),
        bank(3, day, "SPEND-TRANSFER"),
        bank(4, day, Status="DELETED"),
        bank(5, day, Contact=None, LineItems=[]),
        bank(6, day, CurrencyCode=None),
        bank(7, NOW + timedelta(seconds=1)),
        bank(8, day, "SPEND-PREPAYMENT", "12.345", CurrencyCode="BHD"),
    ]
    connector = xero(Fake(XeroServer(rows)))
    pages = list(connector.fetch(connector.plan(None, now=NOW), None))
    got = {t.external_id: t for p in pages for t in p.transactions}
    rejected = [r for p in pages for r in p.rejected]
    assert set(got) == {"bt1", "bt2", "bt4", "bt5", "bt8"}
    first = got["bt1"]
    assert (first.amount_minor, first.currency, first.channel) == (9950, "GBP", Channel.INVOICE)
    assert (first.descriptor, first.memo) == ("Vendor 1 Ltd", "INV-1")
    assert str(first.transaction_date) == "2026-02-03"
    assert first.department_name == "Sales"
    assert got["bt2"].amount_minor == -2000
    assert got["bt4"].removed
    assert got["bt5"].descriptor == "INV-5"
    assert (got["bt8"].amount_minor, got["bt8"].currency) == (12345, "BHD")
    assert [r.external_id for r in rejected] == ["bt6"]


def test_without_include_received_refunds_are_skipped() -> None:
    rows = [bank(1, NOW - timedelta(hours=1), "RECEIVE")]
    fake = Fake(XeroServer(rows))
    config = {
        "base_url": BASE,
        "token_url": TOKEN_URL,
        "tenant_id": "tenant-1",
        "include_received": False,
    }
    secrets = {"client_id": "xero-client", "client_secret": "xero-secret", "refresh_token": "rt0"}
    connector = build(XeroConnector, fake, config, secrets)
    (page,) = connector.fetch(connector.plan(None, now=NOW), None)
    assert page.transactions == []


def test_a_server_that_ignores_the_page_number_is_caught() -> None:
    rows = [bank(n, NOW - timedelta(days=1)) for n in range(2)]

    def same(request: httpx.Request) -> httpx.Response:
        if request.url.host == "identity.test":
            return httpx.Response(200, json={"access_token": "a", "refresh_token": "r"})
        return httpx.Response(200, json={"BankTransactions": rows})

    connector = xero(Fake(same))
    pages = connector.fetch(connector.plan(None, now=NOW), None)
    assert len(next(pages).transactions) == 2
    with pytest.raises(RepeatedCursorError):
        next(pages)


def test_ms_dates() -> None:
    assert ms_timestamp("/Date(1476389616437+0000)/", "u").isoformat() == (
        "2016-10-13T20:13:36.437000+00:00"
    )
    assert ms_timestamp("/Date(0)/", "u").year == 1970
