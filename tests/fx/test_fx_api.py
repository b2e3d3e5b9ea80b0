"""FX routes: CSV upload (all or nothing), the paginated list, the ECB refresh."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.fx.router import ecb_client
from app.models import AuditEvent, FxRate
from tests.factories import Keys
from tests.feeds import factories as f

HIST = (Path(__file__).resolve().parent / "eurofxref-hist-sample.xml").read_bytes()


def _upload(client: TestClient, keys: Keys, body: bytes, role: str = "finance") -> httpx.Response:
    return client.post(
        "/api/v1/fx-rates/upload",
        files={"file": ("rates.csv", io.BytesIO(body), "text/csv")},
        headers=keys.headers(role),
    )


def _count(session: Session) -> int:
    return len(session.exec(select(FxRate.id)).all())


def test_upload_stores_rates_and_converts_waiting_rows(
    client: TestClient, keys: Keys, session: Session
) -> None:
    conn = f.connection(session)
    row = f.transaction(session, conn, on=date(2026, 3, 4), amount_minor=-2500, currency="EUR")
    body = "\ufeffdate,currency,rate,quote\r\n2026-03-01,EUR,1.1,\r\n2026-03-01,gbp,1.27,USD\r\n"
    r = _upload(client, keys, body.encode())
    assert r.status_code == 200, r.text
    assert r.json() == {
        "rows": 2,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
        "converted": 1,
        "reconverted": 0,
        "other_quotes": [],
    }
    session.refresh(row)
    assert (row.reporting_amount_minor, row.amount_minor, row.currency) == (-2750, -2500, "EUR")
    # A corrected rate converts the rows it applies to again; the original amount stays.
    again = _upload(client, keys, b"date,currency,rate\n2026-03-01,EUR,1.12\n").json()
    assert (again["updated"], again["converted"], again["reconverted"]) == (1, 0, 1)
    session.refresh(row)
    assert (row.reporting_amount_minor, row.amount_minor) == (-2800, -2500)
    actions = session.exec(select(AuditEvent.action)).all()
    assert actions.count("fx.rates_uploaded") == 2


def test_a_nearer_rate_reconverts_only_the_rows_it_now_applies_to(
    client: TestClient, keys: Keys, session: Session
) -> None:
    conn = f.connection(session)
    before = f.transaction(session, conn, on=date(2026, 3, 2), amount_minor=1000, currency="EUR")
    after = f.transaction(session, conn, on=date(2026, 3, 9), amount_minor=1000, currency="EUR")
    pound = f.transaction(session, conn, on=date(2026, 3, 9), amount_minor=1000, currency="GBP")
    first = _upload(client, keys, b"date,currency,rate\n2026-03-01,EUR,1.1\n2026-03-01,GBP,1.3\n")
    assert first.json()["converted"] == 3
    # A rate for 2026-03-05 is nearer for the 9 March row only; GBP is not touched.
    second = _upload(client, keys, b"date,currency,rate\n2026-03-05,EUR,1.2\n").json()
    assert (second["inserted"], second["converted"], second["reconverted"]) == (1, 0, 1)
    for row in (before, after, pound):
        session.refresh(row)
    assert (before.reporting_amount_minor, after.reporting_amount_minor) == (1100, 1200)
    assert pound.reporting_amount_minor == 1300
    # Loading the same file again changes nothing.
    third = _upload(client, keys, b"date,currency,rate\n2026-03-05,EUR,1.2\n").json()
    assert (third["unchanged"], third["reconverted"]) == (1, 0)


def test_bad_rows_reject_the_whole_file(client: TestClient, keys: Keys, session: Session) -> None:
    body = (
        "date,currency,rate\n"
        "2026-03-01,EUR,1.1\n"
        "2026-02-30,GBP,1.27\n"
        "2026-03-01,EURO,1.1\n"
        "2026-03-02,JPY,-0.006\n"
        "2026-03-01,EUR,1.2\n"
        "2026-03-03,USD,1\n"
        "2026-03-03,CHF\n"
    )
    r = _upload(client, keys, body.encode())
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    errors = [(e["row"], e["field"]) for e in r.json()["errors"]]
    assert errors == [
        (3, "date"),
        (4, "currency"),
        (5, "rate"),
        (6, "date"),
        (7, "currency"),
        (8, "row"),
    ]
    assert _count(session) == 0


@pytest.mark.parametrize(
    "body",
    [b"", b"day,currency,rate\n2026-01-01,EUR,1\n", b"date,currency,rate\n", b"\xff\xfe\x00"],
)
def test_unusable_files_are_refused(client: TestClient, keys: Keys, body: bytes) -> None:
    assert _upload(client, keys, body).status_code == 422


def test_viewer_may_list_but_not_write(client: TestClient, keys: Keys) -> None:
    assert _upload(client, keys, b"date,currency,rate\n", role="viewer").status_code == 403
    assert client.get("/api/v1/fx-rates", headers=keys.headers("viewer")).status_code == 200


def test_list_is_paginated_newest_first(client: TestClient, keys: Keys) -> None:
    lines = ["date,currency,rate"] + [f"2026-01-{d:02d},EUR,1.{d:02d}" for d in range(1, 11)]
    assert _upload(client, keys, "\n".join(lines).encode()).status_code == 200
    seen: list[dict[str, str]] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 4, "currency": "eur"}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/fx-rates", params=params, headers=keys.headers("finance"))
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert [s["rate_date"] for s in seen] == [f"2026-01-{d:02d}" for d in range(10, 0, -1)]
    assert seen[0]["rate"] == "1.1"  # 1.10 as stored, without trailing zeros
    assert seen[-1] == {**seen[-1], "rate": "1.01", "quote_currency": "USD", "source": "upload"}
    ranged = client.get(
        "/api/v1/fx-rates?from=2026-01-03&to=2026-01-04", headers=keys.headers("finance")
    ).json()["items"]
    assert [r["rate_date"] for r in ranged] == ["2026-01-04", "2026-01-03"]


@pytest.fixture
def ecb_transport(app: FastAPI) -> Iterator[list[httpx.Response]]:
    """Answers the refresh with the queued responses, in order."""
    queue: list[httpx.Response] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return queue.pop(0)

    def override() -> Iterator[httpx.Client]:
        with httpx.Client(transport=httpx.MockTransport(handler)) as c:
            yield c

    app.dependency_overrides[ecb_client] = override
    yield queue
    app.dependency_overrides.pop(ecb_client, None)


def test_refresh_route_loads_the_ecb_file(
    client: TestClient, keys: Keys, session: Session, ecb_transport: list[httpx.Response]
) -> None:
    ecb_transport += [httpx.Response(200, content=HIST), httpx.Response(200, content=HIST)]
    r = client.post("/api/v1/fx-rates/refresh?period=90d", headers=keys.headers("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["url"].endswith("/eurofxref-hist-90d.xml")
    assert (r.json()["inserted"], r.json()["days"]) == (18, 3)
    second = client.post("/api/v1/fx-rates/refresh?period=90d", headers=keys.headers("finance"))
    assert second.json()["unchanged"] == 18
    assert _count(session) == 18


def test_refresh_route_reports_an_unreachable_source(
    client: TestClient, keys: Keys, session: Session, ecb_transport: list[httpx.Response]
) -> None:
    ecb_transport.append(httpx.Response(500, content=b"oops"))
    r = client.post("/api/v1/fx-rates/refresh", headers=keys.headers("finance"))
    assert r.status_code == 502
    assert r.headers["content-type"].startswith("application/problem+json")
    assert _count(session) == 0
