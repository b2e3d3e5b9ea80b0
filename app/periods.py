"""One reporting period everywhere: the API, the feeds and every dashboard page take the same
``from`` and ``to`` (calendar dates, both included) and, given neither, use the same default:
the last 12 full months (the current month is left out until it is complete, so a figure
quoted today does not move tomorrow). Every answer and page says which period it used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.errors import Unprocessable

DEFAULT_NAME = "the last 12 full months"


@dataclass(frozen=True, slots=True)
class Period:
    date_from: date | None  # None: from the first transaction
    date_to: date | None  # None: up to today
    is_default: bool = False

    @property
    def label(self) -> str:
        lo = self.date_from.isoformat() if self.date_from else "the first transaction"
        hi = self.date_to.isoformat() if self.date_to else "today"
        return f"{lo} to {hi}" + (f" ({DEFAULT_NAME})" if self.is_default else "")

    def bounds(self, today: date) -> tuple[date, date]:
        """Concrete first and last day (an open start is the epoch, an open end today)."""
        return self.date_from or date(1970, 1, 1), self.date_to or today


def default_period(today: date) -> Period:
    """The twelve calendar months before the current one."""
    this_month = today.replace(day=1)
    return Period(
        date(this_month.year - 1, this_month.month, 1),
        this_month - timedelta(days=1),
        is_default=True,
    )


def resolve(date_from: date | None, date_to: date | None, today: date) -> Period:
    """The period asked for, or the default when neither end is given."""
    if date_from is None and date_to is None:
        return default_period(today)
    if date_from is not None and date_to is not None and date_from > date_to:
        raise Unprocessable("`from` is after `to`")
    return Period(date_from, date_to)
