"""Recurring-charge detection: is this a subscription, how often, and what does it cost a year.

Pure functions over (date, amount) charges of one vendor for one buyer; shared by findings and
the subscriptions view.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

# (name, expected days between charges, tolerance in days, charges per year)
_CADENCES = (
    ("weekly", 7, 2, 52),
    ("monthly", 30.4, 6, 12),
    ("quarterly", 91.3, 12, 4),
    ("annual", 365.25, 25, 1),
)


@dataclass(frozen=True, slots=True)
class Cadence:
    kind: str | None  # weekly, monthly, quarterly, annual; None = not recurring
    typical_amount: int  # median of the recent recurring charges (minor units)
    annual_run_rate: int  # what a year of it costs at the current price
    next_expected: date | None
    last_amount: int
    price_change_pct: float | None  # latest vs the first recurring charge, when it changed
    charges: int
    stopped: bool  # no charge for 1.5 intervals past the expected date (as of `today`)
    # The expected charge is later than the cadence's own tolerance allows (as of `today`),
    # though not yet long enough to call it stopped.
    overdue: bool = False


def _group_by_day(charges: list[tuple[date, int]]) -> list[tuple[date, int]]:
    by_day: dict[date, int] = {}
    for day, amount in charges:
        by_day[day] = by_day.get(day, 0) + amount
    return sorted(by_day.items())


def detect(charges: list[tuple[date, int]], *, today: date | None = None) -> Cadence:
    """Classify a buyer's charges for one vendor. Refunds (negative amounts) are ignored for
    the cadence but never change the totals computed elsewhere."""
    positive = _group_by_day([(d, a) for d, a in charges if a > 0])
    if not positive:
        return Cadence(None, 0, 0, None, 0, None, 0, False)
    last_day, last_amount = positive[-1]
    total_last_year = sum(a for d, a in positive if d > last_day - timedelta(days=365))
    if len(positive) >= 2:
        gaps = [(b[0] - a[0]).days for a, b in itertools.pairwise(positive)]
        gap = median(gaps)
        for name, expected, tolerance, per_year in _CADENCES:
            if abs(gap - expected) > tolerance:
                continue
            regular = sum(1 for g in gaps if abs(g - expected) <= tolerance * 1.5)
            # Monthly/weekly need three charges and most gaps regular; annual/quarterly two.
            needed = 2 if per_year <= 4 else 3
            if len(positive) < needed or regular < max(1, int(0.6 * len(gaps))):
                break
            recent = [a for _, a in positive[-3:]]
            typical = int(median(recent))
            first = positive[0][1]
            change = None if first == 0 or last_amount == first else (last_amount - first) / first
            next_expected = last_day + timedelta(days=round(expected))
            stopped = today is not None and (today - last_day).days > expected * 1.5 + tolerance
            overdue = today is not None and not stopped and (today - next_expected).days > tolerance
            return Cadence(
                kind=name,
                typical_amount=typical,
                annual_run_rate=last_amount * per_year,
                next_expected=None if stopped else next_expected,
                last_amount=last_amount,
                price_change_pct=None if change is None else round(change * 100, 1),
                charges=len(positive),
                stopped=stopped,
                overdue=overdue,
            )
    return Cadence(
        kind=None,
        typical_amount=int(median(a for _, a in positive)),
        annual_run_rate=total_last_year,
        next_expected=None,
        last_amount=last_amount,
        price_change_pct=None,
        charges=len(positive),
        stopped=False,
    )
