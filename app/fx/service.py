"""Rates to the reporting currency and conversion at each transaction's date.

Rates come from the ECB loader (:func:`refresh_ecb_rates`, run daily by the scheduler) or a CSV
upload (:func:`upload_rates_csv`); a transaction is converted at the nearest rate on or before
its date (:class:`RateBook`). :func:`convert_missing` fills rows that landed before their rate.
"""

from __future__ import annotations

import bisect
import csv
import dataclasses
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import httpx
from sqlalchemy import insert, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.config import get_settings
from app.db import utcnow
from app.errors import AppError
from app.fx import ecb
from app.fx.ecb import ECB_BASE_URL, FILES, EcbPeriod
from app.models import FxRate, Transaction
from connectors.money import exponent

log = logging.getLogger("shadowspend.fx")


class RateBook:
    """Rates to one reporting currency, loaded once and looked up in memory.

    ``convert`` returns None when no rate on or before the date is known; the row keeps its
    original amount and is converted when a rate arrives.
    """

    def __init__(self, session: Session, reporting_currency: str) -> None:
        self.reporting = reporting_currency.upper()
        self._dates: dict[str, list[date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        stmt = (
            select(FxRate)
            .where(FxRate.quote_currency == self.reporting)
            .order_by(col(FxRate.currency), col(FxRate.rate_date))
        )
        for rate in session.exec(stmt):
            self._dates.setdefault(rate.currency, []).append(rate.rate_date)
            self._rates.setdefault(rate.currency, []).append(Decimal(rate.rate))

    def rate(self, currency: str, on: date) -> Decimal | None:
        currency = currency.upper()
        if currency == self.reporting:
            return Decimal(1)
        dates = self._dates.get(currency)
        if not dates:
            return None
        i = bisect.bisect_right(dates, on) - 1
        if i < 0:
            return None
        return self._rates[currency][i]

    def convert(self, amount_minor: int, currency: str, on: date) -> int | None:
        if currency.upper() == self.reporting:
            return amount_minor
        rate = self.rate(currency, on)
        if rate is None:
            return None
        shift = exponent(self.reporting) - exponent(currency)
        value = (Decimal(amount_minor) * rate).scaleb(shift)
        return int(value.to_integral_value(rounding=ROUND_HALF_EVEN))


# --- loading rates -------------------------------------------------------------------------

RateKey = tuple[date, str, str]  # (rate_date, currency, quote_currency)
ECB_SOURCE = "ecb"
UPLOAD_SOURCE = "upload"
_UPSERT_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int
    kept: int  # existing rows from another source the load may not overwrite
    # Per currency, the earliest date whose rate was added or changed: transactions of that
    # currency on or after it may now convert differently.
    changed_from: dict[tuple[str, str], date] = dataclasses.field(default_factory=dict)


def stored_rate(value: Decimal | float | str) -> Decimal:
    """A rate as stored: 10 decimal places. SQLite keeps NUMERIC as a double; this rounds it
    back to the places the column declares."""
    return Decimal(str(value)).quantize(Decimal("1E-10"), rounding=ROUND_HALF_EVEN)


def upsert_rates(
    session: Session,
    rates: dict[RateKey, Decimal],
    *,
    source: str,
    overwrite: frozenset[str] | None = None,
) -> UpsertCounts:
    """Insert or update ``rates`` in one place (idempotent: a re-load changes nothing).

    An existing row for the same (date, currency, quote) is updated only when its source is in
    ``overwrite`` (None: any source); otherwise it is kept. Never commits.
    """
    if not rates:
        return UpsertCounts(0, 0, 0, 0)
    days = [k[0] for k in rates]
    quotes = {k[2] for k in rates}
    existing: dict[RateKey, tuple[int, Decimal, str]] = {}
    stmt = sa_select(
        col(FxRate.id),
        col(FxRate.rate_date),
        col(FxRate.currency),
        col(FxRate.quote_currency),
        col(FxRate.rate),
        col(FxRate.source),
    ).where(
        col(FxRate.quote_currency).in_(quotes),
        col(FxRate.rate_date) >= min(days),
        col(FxRate.rate_date) <= max(days),
    )
    for rid, day, cur, quote, rate, src in session.execute(stmt):
        existing[(day, cur, quote)] = (rid, stored_rate(rate), src)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    unchanged = kept = 0
    changed: list[RateKey] = []
    for key, rate in rates.items():
        rate = stored_rate(rate)
        found = existing.get(key)
        if found is None:
            changed.append(key)
            inserts.append(
                {
                    "rate_date": key[0],
                    "currency": key[1],
                    "quote_currency": key[2],
                    "rate": rate,
                    "source": source,
                    "created_at": utcnow(),
                }
            )
        elif found[1] == rate and found[2] == source:
            unchanged += 1
        elif overwrite is not None and found[2] not in overwrite:
            kept += 1
        else:
            changed.append(key)
            updates.append({"id": found[0], "rate": rate, "source": source})
    changed_from: dict[tuple[str, str], date] = {}
    for day, currency, quote in changed:
        if (currency, quote) not in changed_from or day < changed_from[(currency, quote)]:
            changed_from[(currency, quote)] = day
    for i in range(0, len(inserts), _UPSERT_CHUNK):
        session.execute(insert(FxRate), inserts[i : i + _UPSERT_CHUNK])
    for i in range(0, len(updates), _UPSERT_CHUNK):
        session.execute(update(FxRate), updates[i : i + _UPSERT_CHUNK])
    return UpsertCounts(len(inserts), len(updates), unchanged, kept, changed_from)


def ecb_url(period: EcbPeriod = EcbPeriod.DAILY, base_url: str | None = None) -> str:
    """The file to load: ``base_url`` (or the ``ecb_base_url`` setting when the service defines
    one, else the ECB's own address) joined with the period's published file name."""
    base = base_url or get_settings().ecb_base_url or ECB_BASE_URL
    return str(base).rstrip("/") + "/" + FILES[period]


def refresh_ecb_rates(
    session: Session,
    *,
    client: httpx.Client | None = None,
    period: EcbPeriod = EcbPeriod.DAILY,
    url: str | None = None,
    actor: Principal | None = None,
    attempts: int = 3,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Load the ECB reference rates as rates to the reporting currency, then convert the
    transactions that were waiting for them. The scheduler calls this once a day.

    Stores ``FxRate(currency=X, quote_currency=<reporting>, rate, source="ecb")`` for every
    published currency plus EUR. Rows the ECB load wrote before are updated when the ECB
    revises them; rates from other sources (an upload) are kept. Transient failures are
    retried (``attempts`` in all; see :func:`app.fx.ecb.fetch`). Never commits. Raises
    :class:`~app.fx.ecb.EcbUnavailable` (network, HTTP error) or
    :class:`~app.fx.ecb.EcbBadDocument` (the file cannot be read). Returns counts:
    ``{"url", "days", "latest_date", "inserted", "updated", "unchanged", "kept",
    "converted"}``.
    """
    reporting = get_settings().reporting_currency
    target = url or ecb_url(period)
    data = ecb.fetch(target, client=client, attempts=attempts, sleep=sleep)
    try:
        by_day = ecb.parse_ecb_xml(data)
    except ecb.EcbFormatError as exc:
        raise ecb.EcbBadDocument(f"{target}: {exc}") from None
    rates: dict[RateKey, Decimal] = {}
    for day, eur_rates in by_day.items():
        for code, rate in ecb.cross_rates(eur_rates, reporting).items():
            rates[(day, code, reporting)] = rate
    counts = upsert_rates(session, rates, source=ECB_SOURCE, overwrite=frozenset({ECB_SOURCE}))
    converted = convert_missing(session)
    reconverted = reconvert_changed(session, counts.changed_from)
    log.info("ECB rates loaded from %s: %s, %d transactions converted", target, counts, converted)
    result = {
        "url": target,
        "days": len(by_day),
        "latest_date": max(by_day).isoformat(),
        "inserted": counts.inserted,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "kept": counts.kept,
        "converted": converted,
        "reconverted": reconverted,
    }
    if actor is not None:
        audit_service.record(session, actor, "fx.ecb_refreshed", "fx_rates", None, after=result)
    return result


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based line number in the file, the header being line 1
    field: str
    message: str


class RatesRejected(AppError):
    """The rate file was refused whole; ``errors`` lists each bad row and field."""

    status, title, type_slug = 422, "File rejected", "file-rejected"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(
            f"the rate file was rejected and nothing was stored: {len(errors)} problem(s), "
            f"first on line {errors[0].row}: {errors[0].message}",
            extra={
                "errors": [
                    {"row": e.row, "field": e.field, "message": e.message} for e in errors[:1000]
                ],
                "rejected": len(errors),
            },
        )


def parse_rates_csv(data: bytes, *, reporting: str) -> dict[RateKey, Decimal]:
    """Parse ``date,currency,rate[,quote]`` (header required, any column order, UTF-8 with or
    without BOM). ``rate`` is units of ``quote`` (default: the reporting currency) one unit of
    ``currency`` buys. Raises :class:`RatesRejected` listing every bad row; nothing is partial.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RatesRejected([RowError(1, "file", "the file is not UTF-8 text")]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise RatesRejected([RowError(1, "file", "the file is empty")])
    names = [h.strip().lower() for h in header]
    missing = [c for c in ("date", "currency", "rate") if c not in names]
    unknown = [n for n in names if n not in ("date", "currency", "rate", "quote")]
    if missing or unknown or len(set(names)) != len(names):
        detail = "header must be date,currency,rate[,quote]"
        if missing:
            detail += f"; missing {', '.join(missing)}"
        if unknown:
            detail += f"; unknown {', '.join(unknown)}"
        raise RatesRejected([RowError(1, "header", detail)])
    at = {n: i for i, n in enumerate(names)}
    errors: list[RowError] = []
    out: dict[RateKey, Decimal] = {}
    first_line: dict[RateKey, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            errors.append(RowError(line, "row", f"expected {len(names)} cells, got {len(cells)}"))
            continue
        raw = {n: cells[i].strip() for n, i in at.items()}
        ok = True
        try:
            day = date.fromisoformat(raw["date"])
        except ValueError:
            errors.append(RowError(line, "date", f"not a YYYY-MM-DD date: {raw['date']!r}"))
            ok = False
        codes = {}
        for field in ("currency", "quote"):
            value = raw.get(field) or (reporting if field == "quote" else "")
            value = value.upper()
            if len(value) != 3 or not value.isalpha() or not value.isascii():
                errors.append(RowError(line, field, f"not an ISO 4217 code: {value!r}"))
                ok = False
            codes[field] = value
        try:
            rate = Decimal(raw["rate"])
            if not rate.is_finite() or rate <= 0:
                raise InvalidOperation
            if stored_rate(rate) == 0 or rate >= Decimal("1E10"):
                errors.append(RowError(line, "rate", f"out of the storable range: {raw['rate']}"))
                ok = False
        except InvalidOperation:
            errors.append(RowError(line, "rate", f"not a positive number: {raw['rate']!r}"))
            ok = False
        if not ok:
            continue
        if codes["currency"] == codes["quote"]:
            errors.append(RowError(line, "currency", "currency and quote are the same"))
            continue
        key = (day, codes["currency"], codes["quote"])
        if key in first_line:
            errors.append(
                RowError(line, "date", f"same date, currency and quote as line {first_line[key]}")
            )
            continue
        first_line[key] = line
        out[key] = rate
    if errors:
        raise RatesRejected(errors)
    if not out:
        raise RatesRejected([RowError(1, "file", "the file has a header but no rates")])
    return out


def upload_rates_csv(
    session: Session, data: bytes, *, actor: Principal | None = None
) -> dict[str, Any]:
    """Store every rate of a ``date,currency,rate[,quote]`` file (all or nothing; an uploaded
    rate replaces any stored one for the same day and pair), then convert the transactions
    that were waiting for a rate. Never commits. Raises :class:`RatesRejected` (422)."""
    reporting = get_settings().reporting_currency
    rates = parse_rates_csv(data, reporting=reporting)
    counts = upsert_rates(session, rates, source=UPLOAD_SOURCE)
    converted = convert_missing(session)
    reconverted = reconvert_changed(session, counts.changed_from)
    result: dict[str, Any] = {
        "rows": len(rates),
        "inserted": counts.inserted,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "converted": converted,
        "reconverted": reconverted,
        # Rates quoted in another currency are stored but do not convert transactions.
        "other_quotes": sorted({k[2] for k in rates} - {reporting}),
    }
    if actor is not None:
        audit_service.record(session, actor, "fx.rates_uploaded", "fx_rates", None, after=result)
    return result


def convert_missing(session: Session, *, batch: int = 5_000) -> int:
    """Fill ``reporting_amount_minor`` (and ``reporting_currency``) of every transaction that has
    none yet and whose currency now has a rate on or before its date; the original amount is
    untouched. Bumps ``updated_at`` so feeds' ETags change. Returns how many rows were
    converted. Never commits."""
    reporting = get_settings().reporting_currency
    pending = session.execute(
        sa_select(
            col(Transaction.id),
            col(Transaction.amount_minor),
            col(Transaction.currency),
            col(Transaction.transaction_date),
        ).where(col(Transaction.reporting_amount_minor).is_(None))
    ).all()
    if not pending:
        return 0
    book = RateBook(session, reporting)
    values: dict[int, int] = {}
    for tid, amount, currency, on in pending:
        value = book.convert(amount, currency, on)
        if value is not None:
            values[tid] = value
    return _write_conversions(session, values, reporting, batch)


def _write_conversions(session: Session, values: dict[int, int], reporting: str, batch: int) -> int:
    """Store each transaction's new reporting amount (``updated_at`` bumped, so feeds'
    ETags change). Returns how many."""
    now = utcnow()
    updates = [
        {
            "id": tid,
            "reporting_amount_minor": value,
            "reporting_currency": reporting,
            "updated_at": now,
        }
        for tid, value in values.items()
    ]
    for i in range(0, len(updates), batch):
        session.execute(update(Transaction), updates[i : i + batch])
    return len(updates)


def reconvert_changed(
    session: Session, changed_from: dict[tuple[str, str], date], *, batch: int = 5_000
) -> int:
    """Convert again the transactions a new or corrected rate applies to: for each (currency,
    quote) in ``changed_from`` quoted in the reporting currency, every converted row of that
    currency dated on or after the earliest changed rate (the nearest earlier rate may now be
    another one). Only rows whose reporting amount changes are written (``updated_at`` bumped,
    so feeds' ETags change). Returns how many. Never commits."""
    reporting = get_settings().reporting_currency
    since = {cur: day for (cur, quote), day in changed_from.items() if quote == reporting}
    if not since:
        return 0
    book = RateBook(session, reporting)
    values: dict[int, int] = {}
    for currency, day in sorted(since.items()):
        rows = session.execute(
            sa_select(
                col(Transaction.id),
                col(Transaction.amount_minor),
                col(Transaction.transaction_date),
                col(Transaction.reporting_amount_minor),
                col(Transaction.reporting_currency),
            ).where(
                col(Transaction.currency) == currency,
                col(Transaction.transaction_date) >= day,
                col(Transaction.reporting_amount_minor).is_not(None),
            )
        ).all()
        for tid, amount, on, stored, stored_currency in rows:
            value = book.convert(amount, currency, on)
            if value is not None and (value != stored or stored_currency != reporting):
                values[tid] = value
    return _write_conversions(session, values, reporting, batch)
