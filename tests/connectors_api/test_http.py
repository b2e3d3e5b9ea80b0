"""The shared HTTP behaviour: error split, bounded retries honouring Retry-After, timeouts,
the repeated-cursor guard, bookmarks and the registry. Brex is the vehicle (simplest auth)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from connectors import registry
from connectors.base import ConnectorConfigError, ConnectorTransientError, SyncWindow
from connectors.brex import BrexConnector
from connectors.http import (
    CursorGuard,
    ProviderProtocolError,
    RepeatedCursorError,
    RetryPolicy,
    format_bookmark,
    parse_bookmark,
)
from tests.connectors_api.helpers import NOW, Fake, build

TOKEN = "brex-user-token-do-not-leak"
EMPTY: dict[str, Any] = {"items": [], "next_cursor": None}


def brex(fake: Fake, **kwargs: Any) -> BrexConnector:
    connector = build(
        BrexConnector,
        fake,
        # One endpoint per exchange: these tests script the responses in order.
        {"base_url": "https://brex.test", "with_expenses": False},
        {"api_token": TOKEN},
        **kwargs,
    )
    assert isinstance(connector, BrexConnector)
    return connector


def sequence(*responses: httpx.Response | Exception) -> Fake:
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return Fake(handler)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_config_errors_and_never_retried(status: int) -> None:
    fake = sequence(httpx.Response(status, json={"message": "nope"}))
    with pytest.raises(ConnectorConfigError) as caught:
        brex(fake).check()
    assert not isinstance(caught.value, ConnectorTransientError)
    assert len(fake.requests) == 1
    assert fake.sleeps == []
    assert f"HTTP {status}" in str(caught.value)
    assert "nope" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_401_says_what_to_do() -> None:
    fake = sequence(httpx.Response(401))
    with pytest.raises(ConnectorConfigError, match="credentials were refused"):
        brex(fake).check()


def test_429_waits_for_retry_after_then_succeeds() -> None:
    fake = sequence(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(429, headers={"Retry-After": "2.5"}),
        httpx.Response(200, json=EMPTY),
    )
    brex(fake).check()
    assert fake.sleeps == [7.0, 2.5]
    assert len(fake.requests) == 3


def test_retry_after_as_http_date() -> None:
    later = (datetime.now(UTC) + timedelta(seconds=20)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    fake = sequence(
        httpx.Response(503, headers={"Retry-After": later}), httpx.Response(200, json=EMPTY)
    )
    brex(fake).check()
    (waited,) = fake.sleeps
    assert 15 < waited <= 20


def test_a_retry_after_beyond_the_cap_is_left_to_the_scheduler() -> None:
    fake = sequence(httpx.Response(429, headers={"Retry-After": "7200"}))
    with pytest.raises(ConnectorTransientError) as caught:
        brex(fake, retry=RetryPolicy(max_wait_seconds=30)).check()
    assert caught.value.retry_after == 7200
    assert fake.sleeps == []
    assert len(fake.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_transient_errors_give_up_after_bounded_attempts(status: int) -> None:
    fake = Fake(lambda request: httpx.Response(status))
    with pytest.raises(ConnectorTransientError) as caught:
        brex(fake, retry=RetryPolicy(max_attempts=4, base_seconds=0.5)).check()
    assert len(fake.requests) == 4
    assert fake.sleeps == [0.5, 1.0, 2.0]
    assert f"HTTP {status}" in str(caught.value)


def test_last_retry_after_is_kept_on_the_error() -> None:
    fake = Fake(lambda request: httpx.Response(429, headers={"Retry-After": "11"}))
    with pytest.raises(ConnectorTransientError) as caught:
        brex(fake, retry=RetryPolicy(max_attempts=2)).check()
    assert caught.value.retry_after == 11.0


@pytest.mark.parametrize(
    "error",
    [
        httpx.ReadTimeout("slow"),
        httpx.ConnectTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("dropped"),
    ],
)
def test_timeouts_and_dropped_connections_are_retried(error: Exception) -> None:
    fake = sequence(error, error, httpx.Response(200, json=EMPTY))
    brex(fake).check()
    assert len(fake.requests) == 3
    assert fake.sleeps == [1.0, 2.0]


def test_timeouts_are_explicit() -> None:
    connector = build(
        BrexConnector,
        Fake(lambda r: httpx.Response(200, json=EMPTY)),
        {"base_url": "https://brex.test", "timeout_seconds": 12, "connect_timeout_seconds": 3},
        {"api_token": TOKEN},
    )
    timeout = connector._client.timeout
    assert (timeout.read, timeout.connect) == (12, 3)


def test_not_json_is_a_protocol_error() -> None:
    fake = sequence(httpx.Response(200, text="<html>login</html>"))
    with pytest.raises(ProviderProtocolError, match="not JSON"):
        brex(fake).check()


def test_bad_base_url_is_a_config_error() -> None:
    with pytest.raises(ConnectorConfigError, match="base_url"):
        build(
            BrexConnector,
            Fake(lambda r: httpx.Response(200)),
            {"base_url": "brex"},
            {"api_token": "x"},
        )


def test_cursor_guard_refuses_a_repeat() -> None:
    guard = CursorGuard("thing")
    guard.follow("a")
    guard.follow("b")
    with pytest.raises(RepeatedCursorError, match="'a' a second time after 2 page"):
        guard.follow("a")
    assert issubclass(RepeatedCursorError, ConnectorConfigError)


def test_plan_applies_lookback_and_freezes_end() -> None:
    connector = brex(Fake(lambda r: httpx.Response(200, json=EMPTY)))
    assert connector.plan(None, now=NOW) == SyncWindow(start=None, end=NOW)
    window = connector.plan(format_bookmark(NOW - timedelta(days=1)), now=NOW)
    assert window.start == NOW - timedelta(days=1) - BrexConnector.lookback
    assert window.end == NOW
    # A bookmark in the future never makes the window start after its end.
    assert connector.plan(format_bookmark(NOW + timedelta(days=30)), now=NOW).start == NOW


def test_plan_refuses_naive_now_and_foreign_bookmarks() -> None:
    connector = brex(Fake(lambda r: httpx.Response(200, json=EMPTY)))
    with pytest.raises(ValueError, match="naive"):
        connector.plan(None, now=datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ConnectorConfigError):
        connector.plan("cursor-abc", now=NOW)
    with pytest.raises(ConnectorConfigError, match="time zone"):
        parse_bookmark("2026-01-01T00:00:00")


def test_bookmarks_round_trip_in_utc() -> None:
    other = datetime(2026, 1, 1, 9, 30, tzinfo=UTC).astimezone(
        datetime.now(UTC).astimezone().tzinfo
    )
    text = format_bookmark(other)
    assert text.endswith("+00:00")
    assert parse_bookmark(text) == other


def test_registry_lists_the_four_connectors() -> None:
    assert set(registry.CONNECTORS) == {"ramp", "plaid", "brex", "xero"}
    for slug, cls in registry.CONNECTORS.items():
        assert registry.get(slug) is cls
        assert cls.slug == slug
        assert cls.display_name
        assert isinstance(cls.lookback, timedelta)
        for name, info in cls.Secrets.model_fields.items():
            assert info.annotation is SecretStr, (slug, name)
        assert not set(cls.Config.model_fields) & set(cls.Secrets.model_fields)
    with pytest.raises(ConnectorConfigError, match="unknown connector 'stripe'"):
        registry.get("stripe")


def test_secrets_do_not_show_in_reprs() -> None:
    secrets = BrexConnector.Secrets.model_validate({"api_token": TOKEN})
    assert TOKEN not in repr(secrets)
    assert TOKEN not in str(secrets.model_dump())


def test_config_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError, match="api_token"):
        BrexConnector.Config.model_validate({"api_token": "belongs in secrets"})


@pytest.mark.parametrize("slug", ["ramp", "plaid", "brex", "xero"])
def test_blank_secrets_are_refused_up_front(slug: str) -> None:
    cls = registry.get(slug)
    blank = dict.fromkeys(cls.Secrets.model_fields, " ")
    with pytest.raises(ValueError, match="must not be blank"):
        cls.Secrets.model_validate(blank)


def test_a_malformed_request_is_not_retried() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.LocalProtocolError("Illegal header value")

    fake = Fake(refuse)
    with pytest.raises(ConnectorConfigError, match="request is invalid"):
        brex(fake).check()
    assert len(fake.requests) == 1
