"""Conformance: each connector's full sync against Prism serving the provider's own spec.

Prism validates every request against the spec (paths, query and header formats, auth
schemes, request bodies) and answers with the spec's examples, so these tests prove the
requests are well-formed and the example payloads map. Expected values are read from a plain
request to the same mock, not typed in. The static mocks repeat their pagination cursors for
ever; the connectors must stop with ``RepeatedCursorError`` after the first page.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from connectors.base import Channel, ConnectorConfigError, RawTransaction
from connectors.brex import BrexConnector
from connectors.http import RepeatedCursorError, format_bookmark
from connectors.plaid import PlaidConnector
from connectors.ramp import RampConnector
from connectors.xero import XeroConnector, XeroSecrets, ms_timestamp
from tests.connectors_api.prism import SPECS

pytestmark = [
    pytest.mark.shared,
    # With ``--dist loadgroup`` every Prism test runs in one worker: one set of servers.
    pytest.mark.xdist_group("prism"),
    pytest.mark.skipif(not SPECS.is_dir(), reason="../shared/specs is absent"),
]

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SINCE = format_bookmark(datetime(2010, 1, 1, tzinfo=UTC))
Prism = Callable[[str], str]


@pytest.fixture(scope="module")
def require_prism() -> bool:
    """CI sets SHADOWSPEND_REQUIRE_PRISM=1 so a Prism that will not start fails the build."""
    return os.environ.get("SHADOWSPEND_REQUIRE_PRISM") == "1"


@pytest.fixture
def served(prism: Prism, require_prism: bool) -> Prism:
    def url(spec: str) -> str:
        try:
            return prism(spec)
        except pytest.skip.Exception:
            if require_prism:
                pytest.fail(f"Prism is required but could not serve {spec}")
            raise

    return url


def raw_json(method: str, url: str, **kwargs: Any) -> dict[str, Any]:
    response = httpx.request(method, url, timeout=30, **kwargs)
    response.raise_for_status()
    body: dict[str, Any] = json.loads(response.content, parse_float=Decimal)
    return body


def minor(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


def test_plaid_full_sync(served: Prism) -> None:
    base = served("plaid-2020-09-14.yml")
    secrets = {"client_id": "cid", "secret": "sec", "access_token": "access-sandbox-x"}
    config = PlaidConnector.Config(base_url=base, include_pending=True)
    with PlaidConnector(config, PlaidConnector.Secrets.model_validate(secrets)) as connector:
        connector.check()
        pages = list(connector.fetch(connector.plan(None, now=NOW), None))

    headers = {"PLAID-CLIENT-ID": "cid", "PLAID-SECRET": "sec", "Plaid-Version": "2020-09-14"}
    example = raw_json(
        "POST", f"{base}/transactions/sync", headers=headers, json={"access_token": "access-x"}
    )
    assert len(pages) == 1  # the example has has_more false
    (page,) = pages
    assert page.next_bookmark == example["next_cursor"]
    assert page.rejected == []
    got = {(t.external_id, t.removed): t for t in page.transactions}
    records = [*example["added"], *example["modified"]]
    assert len(got) == len(records) + len(example["removed"])
    for record in records:
        row = got[(record["transaction_id"], False)]
        assert row.amount_minor == minor(record["amount"])
        assert row.currency == record["iso_currency_code"]
        assert row.merchant_name == record["merchant_name"]
        assert row.posted_date is not None
        assert row.posted_date.isoformat() == record["date"]
    for record in example["removed"]:
        assert got[(record["transaction_id"], True)].removed


def _ramp(base: str, **config: Any) -> RampConnector:
    """A Ramp connector on Prism; the caller closes it."""
    secrets = RampConnector.Secrets.model_validate({"client_id": "id", "client_secret": "s"})
    # Ramp's spec declares a JSON token body (its prose says form); Prism enforces the spec.
    cfg = RampConnector.Config(base_url=f"{base}/developer/v1", grant_encoding="json", **config)
    return RampConnector(cfg, secrets)


def _first_page_then_loop(
    connector: RampConnector | BrexConnector, bookmark: str | None
) -> list[Any]:
    pages = connector.fetch(connector.plan(bookmark, now=NOW), bookmark)
    first = next(pages)
    with pytest.raises(RepeatedCursorError):
        next(pages)
    return [first]


def test_ramp_card_transactions(served: Prism) -> None:
    base = served("ramp-developer-api.json")
    with _ramp(base, include_reimbursements=False) as connector:
        connector.check()
        (page,) = _first_page_then_loop(connector, SINCE)

    example = raw_json(
        "GET", f"{base}/developer/v1/transactions", headers={"Authorization": "Bearer x"}
    )["data"]
    assert [t.external_id for t in page.transactions] == [r["id"] for r in example]
    for row, record in zip(page.transactions, example, strict=True):
        holder = record["card_holder"]
        assert row.amount_minor == minor(record["amount"])
        assert row.currency == record["currency_code"]
        assert row.descriptor == record["merchant_descriptor"]
        assert row.cardholder_name == f"{holder['first_name']} {holder['last_name']}"
        assert row.department_name == holder["department_name"]
        assert row.cardholder_email  # looked up through /users/{id}
        assert row.channel is Channel.CARD
    assert page.next_bookmark is not None  # card pages carry a resume point


def test_ramp_reimbursements(served: Prism) -> None:
    base = served("ramp-developer-api.json")
    with _ramp(base, include_card_transactions=False) as connector:
        (page,) = _first_page_then_loop(connector, SINCE)

    auth = {"Authorization": "Bearer x"}
    example = raw_json("GET", f"{base}/developer/v1/reimbursements", headers=auth)["data"]
    department = raw_json("GET", f"{base}/developer/v1/departments/{uuid.uuid4()}", headers=auth)[
        "name"
    ]
    wanted = [r for r in example if r.get("type") == "OUT_OF_POCKET"]
    assert [t.external_id for t in page.transactions] == [
        f"reimbursement:{r['id']}" for r in wanted
    ]
    for row, record in zip(page.transactions, wanted, strict=True):
        assert row.channel is Channel.REIMBURSEMENT
        assert row.descriptor == record["merchant"]
        assert row.cardholder_name == record["user_full_name"]
        assert row.department_name == department
        original = record["original_reimbursement_amount"]
        assert (row.amount_minor, row.currency) == (original["amount"], original["currency_code"])


def test_brex_card_transactions(served: Prism) -> None:
    base = served("brex_transactions.oas.json")
    secrets = BrexConnector.Secrets.model_validate({"api_token": "token"})
    # The Expenses API is another spec, so another Prism: see test_brex_card_expenses.
    config = BrexConnector.Config(base_url=base, with_expenses=False)
    with BrexConnector(config, secrets) as connector:
        connector.check()
        (page,) = _first_page_then_loop(connector, SINCE)

    example = raw_json(
        "GET", f"{base}/v2/transactions/card/primary", headers={"Authorization": "Bearer x"}
    )["items"]
    # The schema-only spec yields placeholders ("string" currency, an absurd amount): every
    # record must be reported as rejected, none silently kept or dropped.
    assert page.transactions == []
    assert [r.external_id for r in page.rejected] == [r["id"] for r in example]
    assert page.next_bookmark is None


def test_brex_card_expenses(served: Prism) -> None:
    base = served("brex_transactions.oas.json")
    expenses = served("brex_expenses.oas.json")
    secrets = BrexConnector.Secrets.model_validate({"api_token": "token"})
    config = BrexConnector.Config(base_url=base, expenses_base_url=expenses)
    with BrexConnector(config, secrets) as connector:
        connector.check()  # both APIs, each on its own mock
        pages = connector.cardholder_pages(connector.plan(SINCE, now=NOW))
        first = next(pages)
        with pytest.raises(RepeatedCursorError):
            next(pages)

    example = raw_json(
        "GET",
        f"{expenses}/v1/expenses/card",
        params={"expand[]": ["user", "department"]},
        headers={"Authorization": "Bearer x"},
    )["items"]
    assert first == {
        r["id"]: (
            r["user"]["id"],
            f"{r['user']['first_name']} {r['user']['last_name']}",
            r["department"]["name"],
        )
        for r in example
    }


def test_a_wrong_base_url_is_a_config_error(served: Prism) -> None:
    base = served("brex_transactions.oas.json")
    secrets = BrexConnector.Secrets.model_validate({"api_token": "token"})
    with (
        BrexConnector(BrexConnector.Config(base_url=f"{base}/v1"), secrets) as connector,
        pytest.raises(ConnectorConfigError, match="check the base URL"),
    ):
        connector.check()


class _XeroIdentity(httpx.BaseTransport):
    """Xero's token endpoint is not in the accounting spec: answer it here, send the rest to
    Prism over the network."""

    def __init__(self) -> None:
        self.network = httpx.HTTPTransport()
        self.refreshes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "identity.xero.test":
            self.refreshes += 1
            body = {
                "access_token": "xero-access",
                "expires_in": 1800,
                "refresh_token": f"rotated-{self.refreshes}",
            }
            return httpx.Response(200, json=body, request=request)
        return self.network.handle_request(request)

    def close(self) -> None:
        self.network.close()


def test_xero_bank_transactions(served: Prism) -> None:
    base = served("xero_accounting.yaml")
    config = XeroConnector.Config(
        base_url=base, token_url="https://identity.xero.test/connect/token", tenant_id="t-1"
    )
    secrets = XeroConnector.Secrets.model_validate(
        {"client_id": "c", "client_secret": "s", "refresh_token": "first"}
    )
    rotated: list[XeroSecrets] = []
    identity = _XeroIdentity()
    with XeroConnector(config, secrets, transport=identity, on_secrets_rotated=rotated.append) as c:
        c.check()
        pages = list(c.fetch(c.plan(SINCE, now=NOW), SINCE))
    assert [s.refresh_token.get_secret_value() for s in rotated] == ["rotated-1"]

    example = raw_json(
        "GET",
        f"{base}/BankTransactions",
        headers={"xero-tenant-id": "t", "Authorization": "Bearer x"},
    )["BankTransactions"]
    rows: dict[str, RawTransaction] = {t.external_id: t for p in pages for t in p.transactions}
    assert pages[-1].next_bookmark == format_bookmark(NOW)
    kept = [r for r in example if not r["Type"].endswith("-TRANSFER")]
    assert set(rows) == {r["BankTransactionID"] for r in kept}
    for record in kept:
        row = rows[record["BankTransactionID"]]
        sign = -1 if record["Type"].startswith("RECEIVE") else 1
        assert row.amount_minor == sign * minor(record["Total"])
        assert row.currency == record["CurrencyCode"]
        assert row.descriptor == record["Contact"]["Name"]
        assert row.transaction_date == ms_timestamp(record["Date"], "Date").date()
