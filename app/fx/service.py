"""Conversion to the reporting currency at each transaction's date (nearest earlier rate)."""

from __future__ import annotations

import bisect
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from sqlmodel import Session, col, select

from app.models import FxRate
from connectors.money import exponent


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
