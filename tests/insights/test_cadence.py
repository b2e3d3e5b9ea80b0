from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.insights.cadence import detect

D0 = date(2026, 1, 15)


def monthly(n: int, amount: int = 1000, start: date = D0) -> list[tuple[date, int]]:
    out = []
    for i in range(n):
        month = start.month - 1 + i
        out.append((date(start.year + month // 12, month % 12 + 1, start.day), amount))
    return out


@pytest.mark.parametrize(
    ("charges", "kind", "run_rate"),
    [
        (monthly(6), "monthly", 12_000),
        (monthly(2), None, 2_000),  # two monthly charges are not yet a pattern
        ([(D0, 50_000), (D0 + timedelta(days=365), 55_000)], "annual", 55_000),
        ([(D0 + timedelta(days=91 * i), 3_000) for i in range(3)], "quarterly", 12_000),
        ([(D0 + timedelta(days=7 * i), 100) for i in range(6)], "weekly", 5_200),
        ([(D0, 900), (D0 + timedelta(days=3), 1200), (D0 + timedelta(days=50), 400)], None, 2500),
        ([], None, 0),
    ],
)
def test_cadence_table(charges: list[tuple[date, int]], kind: str | None, run_rate: int) -> None:
    result = detect(charges)
    assert result.kind == kind
    assert result.annual_run_rate == run_rate


def test_price_increase_and_next_charge() -> None:
    charges = monthly(4, 1000) + monthly(2, 1200, start=date(2026, 5, 15))
    result = detect(charges)
    assert result.kind == "monthly"
    assert result.price_change_pct == 20.0
    assert result.annual_run_rate == 14_400
    assert result.next_expected == date(2026, 6, 15) + timedelta(days=30)


def test_refunds_do_not_break_the_pattern() -> None:
    charges = [*monthly(5), (date(2026, 3, 20), -1000)]
    assert detect(charges).kind == "monthly"


def test_stopped_subscription() -> None:
    result = detect(monthly(5), today=date(2026, 12, 1))
    assert result.stopped
    assert result.next_expected is None
    assert not detect(monthly(5), today=date(2026, 6, 1)).stopped


@pytest.mark.parametrize(
    ("charges", "days_late", "overdue"),
    [
        (monthly(5), 6, False),  # within a month's usual spread: still just due
        (monthly(5), 7, True),
        ([(D0 + timedelta(days=7 * i), 100) for i in range(6)], 2, False),
        ([(D0 + timedelta(days=7 * i), 100) for i in range(6)], 3, True),
        ([(D0, 50_000), (D0 + timedelta(days=365), 55_000)], 25, False),
        ([(D0, 50_000), (D0 + timedelta(days=365), 55_000)], 26, True),
    ],
)
def test_overdue_means_later_than_the_cadence_allows(
    charges: list[tuple[date, int]], days_late: int, overdue: bool
) -> None:
    expected = detect(charges).next_expected
    assert expected is not None
    result = detect(charges, today=expected + timedelta(days=days_late))
    assert (result.overdue, result.stopped) == (overdue, False)
    assert not detect(charges, today=expected).overdue


def test_a_stopped_subscription_is_not_overdue() -> None:
    result = detect(monthly(5), today=date(2026, 12, 1))
    assert result.stopped
    assert not result.overdue
