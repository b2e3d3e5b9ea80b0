"""The ECB reference-rate file: parsing, cross rates via EUR, the idempotent load."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from app.config import get_settings
from app.fx import ecb, service
from app.fx.ecb import EcbBadDocument, EcbFormatError, EcbUnavailable
from app.models import FxRate
from tests.feeds import factories as f

HERE = Path(__file__).resolve().parent
HIST = (HERE / "eurofxref-hist-sample.xml").read_bytes()
DAILY = (HERE / "eurofxref-daily-sample.xml").read_bytes()


def _client(body: bytes, status: int = 200, seen: list[str] | None = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        return httpx.Response(status, content=body, headers={"content-type": "text/xml"})

    return httpx.Client(transport=httpx.MockTransport(handler))


def _rates(session: Session) -> dict[tuple[date, str], FxRate]:
    rows = session.exec(select(FxRate).where(FxRate.quote_currency == "USD"))
    return {(r.rate_date, r.currency): r for r in rows}


def test_parse_published_format() -> None:
    days = ecb.parse_ecb_xml(HIST)
    assert sorted(days) == [date(2026, 1, 7), date(2026, 1, 8), date(2026, 1, 9)]
    assert days[date(2026, 1, 9)]["USD"] == Decimal("1.0812")
    assert days[date(2026, 1, 7)]["JPY"] == Decimal("161.12")
    assert set(days[date(2026, 1, 8)]) == {"USD", "JPY", "GBP", "CHF", "SEK", "CAD"}
    assert list(ecb.parse_ecb_xml(DAILY)) == [date(2026, 1, 12)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>maintenance</html>", "no <Cube"),
        (b"<Cube><Cube time='2026-13-01'/></Cube>", "bad date"),
        (b"<Cube><Cube time='2026-01-01'><Cube currency='usd' rate='1'/></Cube></Cube>", "code"),
        (b"<Cube><Cube time='2026-01-01'><Cube currency='USD' rate='x'/></Cube></Cube>", "rate"),
        (b"<Cube><Cube time='2026-01-01'><Cube currency='USD' rate='-1'/></Cube></Cube>", "pos"),
        (b"<Cube><Cube", "well-formed"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><Cube/>', "DTD"),
        (b"<?xml version='1.0'?>" + b" " * 3000 + b'<!DOCTYPE x [<!ENTITY a "b">]><Cube/>', "DTD"),
        ('<!DOCTYPE x [<!ENTITY a "b">]><Cube/>'.encode("utf-16"), "DTD"),
    ],
)
def test_parse_refuses_what_is_not_a_rate_file(body: bytes, message: str) -> None:
    with pytest.raises(EcbFormatError, match=message):
        ecb.parse_ecb_xml(body)


def test_cross_rates_via_eur_are_exact_decimal() -> None:
    day = ecb.parse_ecb_xml(HIST)[date(2026, 1, 9)]
    usd = ecb.cross_rates(day, "USD")
    # GBP -> USD = USD per EUR / GBP per EUR, rounded half-even to 10 places.
    assert usd["GBP"] == (Decimal("1.0812") / Decimal("0.8421")).quantize(Decimal("1E-10"))
    assert usd["GBP"] == Decimal("1.2839330246")
    assert usd["EUR"] == Decimal("1.0812")
    assert usd["JPY"] == Decimal("0.0066596859")
    assert "USD" not in usd
    eur = ecb.cross_rates(day, "EUR")
    assert eur["USD"] == Decimal("0.9248982612")
    assert "EUR" not in eur
    assert ecb.cross_rates(day, "BRL") == {}


def test_refresh_stores_cross_rates_and_is_idempotent(session: Session) -> None:
    seen: list[str] = []
    out = service.refresh_ecb_rates(
        session, client=_client(HIST, seen=seen), url="https://rates.test/hist.xml"
    )
    assert seen == ["https://rates.test/hist.xml"]
    assert (out["days"], out["inserted"], out["updated"]) == (3, 18, 0)
    assert out["latest_date"] == "2026-01-09"
    rates = _rates(session)
    gbp = rates[(date(2026, 1, 8), "GBP")]
    assert gbp.source == "ecb"
    assert service.stored_rate(gbp.rate) == Decimal("1.2794972133")
    assert service.stored_rate(rates[(date(2026, 1, 7), "EUR")].rate) == Decimal("1.0765")

    again = service.refresh_ecb_rates(session, client=_client(HIST), url="https://rates.test/h")
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 18)
    assert len(_rates(session)) == 18


def test_refresh_updates_revised_ecb_rates_but_keeps_uploaded_ones(session: Session) -> None:
    service.upload_rates_csv(session, b"date,currency,rate\n2026-01-09,GBP,1.25\n")
    revised = HIST.replace(b'currency="CHF" rate="0.9387"', b'currency="CHF" rate="0.9390"')
    service.refresh_ecb_rates(session, client=_client(HIST), url="https://rates.test/a")
    out = service.refresh_ecb_rates(session, client=_client(revised), url="https://rates.test/b")
    assert (out["updated"], out["kept"]) == (1, 1)
    rates = _rates(session)
    assert service.stored_rate(rates[(date(2026, 1, 9), "GBP")].rate) == Decimal("1.25")
    assert rates[(date(2026, 1, 9), "GBP")].source == "upload"
    assert service.stored_rate(rates[(date(2026, 1, 9), "CHF")].rate) == Decimal("1.1514376997")


def test_refresh_uses_the_configured_base_url_and_period(session: Session) -> None:
    seen: list[str] = []
    service.refresh_ecb_rates(session, client=_client(DAILY, seen=seen))
    assert seen == [get_settings().ecb_base_url.rstrip("/") + "/eurofxref-daily.xml"]
    assert service.ecb_url(ecb.EcbPeriod.FULL, "https://mirror.test/ecb/").endswith(
        "mirror.test/ecb/eurofxref-hist.xml"
    )


def test_refresh_errors_are_problems_not_crashes(session: Session) -> None:
    waits: list[float] = []
    with pytest.raises(EcbUnavailable, match="503"):
        service.refresh_ecb_rates(
            session, client=_client(b"busy", 503), url="https://r.test/x", sleep=waits.append
        )
    assert waits == [1.0, 2.0]  # three attempts in all
    with pytest.raises(EcbBadDocument):
        service.refresh_ecb_rates(session, client=_client(b"<html/>"), url="https://r.test/x")
    seen: list[str] = []
    with pytest.raises(EcbUnavailable, match="404"):
        service.refresh_ecb_rates(
            session, client=_client(b"", 404, seen=seen), url="https://r.test/x", sleep=waits.append
        )
    assert len(seen) == 1  # not transient: no retry

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    with pytest.raises(EcbUnavailable, match="ConnectError"):
        service.refresh_ecb_rates(
            session,
            client=httpx.Client(transport=httpx.MockTransport(down)),
            url="https://r.x/",
            attempts=1,
        )
    assert _rates(session) == {}


def test_transient_failures_are_retried_honouring_retry_after(session: Session) -> None:
    answers = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(502),
        httpx.Response(200, content=DAILY),
    ]
    waits: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(lambda request: answers.pop(0)))
    out = service.refresh_ecb_rates(
        session, client=client, url="https://r.test/d", sleep=waits.append
    )
    assert waits == [7.0, 2.0]
    assert (out["days"], out["inserted"]) == (1, 6)


def test_convert_missing_after_a_load_uses_the_nearest_earlier_rate(session: Session) -> None:
    conn = f.connection(session)
    saturday = f.transaction(
        session, conn, on=date(2026, 1, 10), amount_minor=10_000, currency="GBP"
    )
    yen = f.transaction(session, conn, on=date(2026, 1, 8), amount_minor=-1500, currency="JPY")
    too_early = f.transaction(session, conn, on=date(2026, 1, 2), amount_minor=500, currency="GBP")
    usd = f.transaction(session, conn, on=date(2026, 1, 2), amount_minor=700)
    before = saturday.updated_at
    assert saturday.reporting_amount_minor is None

    out = service.refresh_ecb_rates(session, client=_client(HIST), url="https://rates.test/h")
    assert out["converted"] == 2
    for row in (saturday, yen, too_early, usd):
        session.refresh(row)
    # Saturday uses Friday 9 January: 100.00 GBP x 1.2839330246 = 128.39 USD.
    assert (saturday.reporting_amount_minor, saturday.reporting_currency) == (12839, "USD")
    assert (saturday.amount_minor, saturday.currency) == (10_000, "GBP")
    assert saturday.updated_at > before
    # -1500 JPY (no minor unit) x 161.90 JPY per EUR -> USD 1.0790 per EUR = -10.00 USD.
    assert yen.reporting_amount_minor == -1000
    assert too_early.reporting_amount_minor is None
    assert usd.reporting_amount_minor == 700
    assert service.convert_missing(session) == 0
