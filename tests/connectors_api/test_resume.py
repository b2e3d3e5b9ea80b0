"""Property: however many rows, whatever the page size and wherever the sync is killed, the
bookmark of the last committed page lets the next sync finish with nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.brex import BrexConnector
from connectors.http import ApiConnector
from connectors.plaid import PlaidConnector
from connectors.ramp import RampConnector
from connectors.xero import XeroConnector
from tests.connectors_api import test_brex, test_plaid, test_ramp, test_xero
from tests.connectors_api.helpers import NOW, Fake, build

Factory = Callable[[int, int], tuple[ApiConnector[Any, Any], set[str]]]


def brex_case(rows: int, page_size: int) -> tuple[ApiConnector[Any, Any], set[str]]:
    data = [test_brex.card(n, NOW.date() - timedelta(days=30 - n % 30)) for n in range(rows)]
    fake = Fake(test_brex.BrexServer(data))
    config = {"base_url": "https://brex.test", "page_size": page_size}
    return build(BrexConnector, fake, config, {"api_token": "tok"}), {r["id"] for r in data}


def plaid_case(rows: int, page_size: int) -> tuple[ApiConnector[Any, Any], set[str]]:
    changes = [("added", test_plaid.txn(n)) for n in range(rows)]
    fake = Fake(test_plaid.PlaidServer(changes))
    config = {"base_url": "https://plaid.test", "page_size": page_size}
    return build(PlaidConnector, fake, config, test_plaid.SECRETS), {f"t{n}" for n in range(rows)}


def ramp_case(rows: int, page_size: int) -> tuple[ApiConnector[Any, Any], set[str]]:
    # Several transactions share a timestamp, so pages split inside a tie.
    data = [test_ramp.card(n, NOW - timedelta(days=20 - n // 3)) for n in range(rows)]
    fake = Fake(test_ramp.RampServer(data))
    config = {
        "base_url": test_ramp.BASE,
        "page_size": max(page_size, 2),
        "include_reimbursements": False,
    }
    return build(RampConnector, fake, config, test_ramp.SECRETS), {r["id"] for r in data}


def xero_case(rows: int, page_size: int) -> tuple[ApiConnector[Any, Any], set[str]]:
    data = [test_xero.bank(n, NOW - timedelta(days=10, hours=-(n // 2))) for n in range(rows)]
    fake = Fake(test_xero.XeroServer(data))
    config = {
        "base_url": test_xero.BASE,
        "token_url": test_xero.TOKEN_URL,
        "tenant_id": "tenant-1",
        "page_size": page_size,
    }
    secrets = {"client_id": "xero-client", "client_secret": "xero-secret", "refresh_token": "rt0"}
    connector = build(XeroConnector, fake, config, secrets)
    return connector, {r["BankTransactionID"] for r in data}


def run_killed(factory: Factory, rows: int, page_size: int, kill_after: int) -> None:
    first, expected = factory(rows, page_size)
    stored: str | None = None
    seen: set[str] = set()
    for number, page in enumerate(first.fetch(first.plan(stored, now=NOW), stored), start=1):
        if number > kill_after:
            break
        seen |= {t.external_id for t in page.transactions}
        stored = page.next_bookmark or stored
    first.close()
    second, _ = factory(rows, page_size)
    later = NOW + timedelta(minutes=5)
    for page in second.fetch(second.plan(stored, now=later), stored):
        seen |= {t.external_id for t in page.transactions}
        stored = page.next_bookmark or stored
    second.close()
    assert seen == expected
    assert stored is not None or rows == 0


@settings(max_examples=40, deadline=None)
@given(
    case=st.sampled_from([brex_case, plaid_case, ramp_case, xero_case]),
    rows=st.integers(0, 25),
    page_size=st.integers(1, 6),
    kill_after=st.integers(0, 8),
)
def test_a_killed_sync_resumes_with_nothing_lost(
    case: Factory, rows: int, page_size: int, kill_after: int
) -> None:
    run_killed(case, rows, page_size, kill_after)
