"""The European Central Bank's euro foreign exchange reference rates.

The ECB publishes, each TARGET working day around 16:00 CET, how many units of ~30 currencies
one euro buys, as XML in a gesmes envelope::

    <gesmes:Envelope ...>
      <Cube>
        <Cube time="2026-01-09">
          <Cube currency="USD" rate="1.0812"/>
          ...

``eurofxref-daily.xml`` holds the latest day, ``eurofxref-hist-90d.xml`` the last 90 days and
``eurofxref-hist.xml`` every day since 1999. Rates are EUR-based; :func:`cross_rates` turns them
into rates to the reporting currency (X -> R = R_per_EUR / X_per_EUR) with Decimal arithmetic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from enum import StrEnum
from xml.etree import ElementTree

import defusedxml.ElementTree as defused_ET
import httpx
from defusedxml import DefusedXmlException

from app.errors import AppError

ECB_BASE_URL = "https://www.ecb.europa.eu/stats/eurofxref/"
# Stored rates have 10 decimal places (fx_rates.rate is NUMERIC(20, 10)).
RATE_QUANTUM = Decimal("1E-10")
_DIVISION = Context(prec=40)
_CUBE = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}Cube"


class EcbPeriod(StrEnum):
    """Which published file to load."""

    DAILY = "daily"  # the latest working day
    DAYS_90 = "90d"  # the last 90 days
    FULL = "full"  # since 1999 (about 6 MB)


FILES: dict[EcbPeriod, str] = {
    EcbPeriod.DAILY: "eurofxref-daily.xml",
    EcbPeriod.DAYS_90: "eurofxref-hist-90d.xml",
    EcbPeriod.FULL: "eurofxref-hist.xml",
}


class EcbFormatError(ValueError):
    """The document is not an ECB reference-rate file (message says what is wrong)."""


class EcbUnavailable(AppError):
    """The ECB could not be reached or answered with an error; retry later."""

    status, title, type_slug = 502, "Rate source unavailable", "rate-source-unavailable"


class EcbBadDocument(AppError):
    status, title, type_slug = 502, "Rate source sent an unreadable file", "rate-source-invalid"


def parse_ecb_xml(data: bytes) -> dict[date, dict[str, Decimal]]:
    """EUR-based rates by day: ``{day: {"USD": Decimal("1.0812"), ...}}``.

    ``rate`` is units of the currency one euro buys. Raises :class:`EcbFormatError` for a
    document that is not well-formed, has no dated cubes, or carries a bad date, code or rate.
    The document comes from the configured ECB URL; the parser refuses any DTD or entity in
    it (defusedxml), wherever it stands and in any encoding.
    """
    try:
        root = defused_ET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise EcbFormatError("DTDs and entities are not accepted in a rate file") from None
    except ElementTree.ParseError as exc:
        raise EcbFormatError(f"not well-formed XML: {exc}") from None
    out: dict[date, dict[str, Decimal]] = {}
    for cube in root.iter():
        if not _is_cube(cube.tag) or "time" not in cube.attrib:
            continue
        try:
            day = date.fromisoformat(cube.attrib["time"])
        except ValueError:
            raise EcbFormatError(f"bad date {cube.attrib['time']!r}") from None
        rates = out.setdefault(day, {})
        for child in cube:
            if not _is_cube(child.tag):
                continue
            code = child.attrib.get("currency", "")
            text = child.attrib.get("rate", "")
            if len(code) != 3 or not code.isalpha() or not code.isupper():
                raise EcbFormatError(f"{day}: bad currency code {code!r}")
            try:
                rate = Decimal(text)
            except InvalidOperation:
                raise EcbFormatError(f"{day} {code}: bad rate {text!r}") from None
            if not rate.is_finite() or rate <= 0:
                raise EcbFormatError(f"{day} {code}: rate must be positive, got {text!r}")
            rates[code] = rate
    if not out:
        raise EcbFormatError("no <Cube time=...> elements: not an ECB reference-rate file")
    return out


def _is_cube(tag: str) -> bool:
    # The published files use the eurofxref namespace; accept the bare name too.
    return tag in (_CUBE, "Cube")


def cross_rates(eur_rates: dict[str, Decimal], reporting: str) -> dict[str, Decimal]:
    """Rates to ``reporting`` for one day: ``{X: units of reporting one X buys}``.

    ``eur_rates`` is one day of :func:`parse_ecb_xml` (units of X per euro). EUR itself is
    included. The quotient is computed with 40 significant digits and rounded half-even to the
    10 decimal places the table stores. Returns ``{}`` when the day has no rate for
    ``reporting`` (nothing can be derived).
    """
    reporting = reporting.upper()
    per_eur = {**eur_rates, "EUR": Decimal(1)}
    target = per_eur.get(reporting)
    if target is None:
        return {}
    out: dict[str, Decimal] = {}
    for code, units in per_eur.items():
        if code == reporting:
            continue
        value = _DIVISION.divide(target, units).quantize(RATE_QUANTUM, rounding=ROUND_HALF_EVEN)
        if value > 0:  # a rate below 1e-10 is not storable; leave that currency unconverted
            out[code] = value
    return out


def fetch(
    url: str,
    *,
    client: httpx.Client | None = None,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> bytes:
    """GET ``url``. Transient failures (transport errors, 429, 5xx) are retried up to
    ``attempts`` times in all, waiting ``Retry-After`` seconds when the answer gives it (at most
    60) or 1, 2, 4 ... seconds otherwise. Raises :class:`EcbUnavailable` when the last attempt
    fails or on another 4xx.

    Pass ``client`` (e.g. built with ``transport=httpx.MockTransport(...)``) to control the
    transport; otherwise a short-lived client with a 30 s timeout is used.
    """
    own = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
    try:
        for attempt in range(1, attempts + 1):
            wait = float(2 ** (attempt - 1))
            try:
                response = http.get(url, follow_redirects=True)
            except httpx.HTTPError as exc:
                failure = f"could not fetch {url}: {exc.__class__.__name__}"
            else:
                if response.status_code < 400:
                    return response.content
                failure = f"{url} answered {response.status_code}"
                if response.status_code != 429 and response.status_code < 500:
                    break
                wait = _retry_after(response) or wait
            if attempt < attempts:
                sleep(wait)
        raise EcbUnavailable(failure)
    finally:
        if own:
            http.close()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return min(float(value), 60.0) if value.isdigit() else None
