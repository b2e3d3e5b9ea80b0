"""What changed: the overview's comparison of the period with the one before it.

The previous period is as long as the period shown and ends the day before it starts (the
default period, the last 12 full months, is compared with the 12 months before them). A
period open at its start has nothing before it to compare with.

Figures and where they come from, all under the caller's department scope:

* software spend and outside-IT spend: the spend feed (``GET /api/v1/feeds/spend`` with
  ``is_software=true``) for each period;
* apps: software vendors with spend in the period (the feed grouped by vendor);
* open findings at the end of a period (and at each month's end, for the trend line): the
  findings first seen by then that had no decision by then. For today this is the queue's
  count (``GET /api/v1/findings?status=open``), except for a finding reopened after a
  decision, which it leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.auth.principal import Principal
from app.feeds import service as feeds_service
from app.models import Finding
from app.periods import Period
from app.transactions.service import TransactionFilter

UTC_END = time(23, 59, 59, 999_999)


def previous(period: Period) -> Period | None:
    """The period of the same length just before ``period`` (None when it has no start)."""
    if period.date_from is None or period.date_to is None:
        return None
    if period.is_default:
        start = period.date_from
        return Period(start.replace(year=start.year - 1), start - timedelta(days=1))
    days = (period.date_to - period.date_from).days + 1
    return Period(period.date_from - timedelta(days=days), period.date_from - timedelta(days=1))


@dataclass(frozen=True, slots=True)
class Delta:
    """One figure now and in the previous period (``before`` None: nothing to compare)."""

    label: str
    now: int
    before: int | None
    money: bool
    href: str | None = None

    @property
    def change(self) -> int | None:
        return None if self.before is None else self.now - self.before

    @property
    def percent(self) -> int | None:
        if self.before in (None, 0):
            return None
        assert self.before is not None
        return round(100 * (self.now - self.before) / abs(self.before))


@dataclass(frozen=True, slots=True)
class SpendFigures:
    software_minor: int
    outside_minor: int
    apps: int


def spend_figures(session: Session, flt: TransactionFilter) -> SpendFigures:
    """Software spend, outside-IT spend and the number of apps with spend under ``flt``."""
    software = replace(flt, is_software=True)
    feed = feeds_service.spend_feed(session, software, ("vendor",), checkpoint=session.commit)
    totals = feed.totals
    apps = sum(
        1
        for r in feed.rows
        if r["vendor_id"] is not None and int(r["sanctioned_minor"]) + int(r["outside_it_minor"])
    )
    return SpendFigures(
        software_minor=int(totals["sanctioned_minor"]) + int(totals["outside_it_minor"]),
        outside_minor=int(totals["outside_it_minor"]),
        apps=apps,
    )


def _finding_dates(session: Session, principal: Principal) -> list[tuple[date, datetime | None]]:
    stmt = sa_select(col(Finding.first_seen_date), col(Finding.decided_at)).where(
        col(Finding.first_seen_date).is_not(None)
    )
    if principal.scoped:
        stmt = stmt.where(col(Finding.department_id) == principal.department_id)
    return [(first, decided) for first, decided in session.execute(stmt)]


def open_at(dates: list[tuple[date, datetime | None]], day: date) -> int:
    """Findings first seen on or before ``day`` and not decided by its end."""
    end = datetime.combine(day, UTC_END).replace(tzinfo=None)
    return sum(
        1
        for first, decided in dates
        if first <= day and (decided is None or decided.replace(tzinfo=None) > end)
    )


def month_ends(months: list[str], last: date) -> list[date]:
    """The last day of each ``YYYY-MM`` month, the final one capped at ``last``."""
    out = []
    for month in months:
        year, mon = (int(p) for p in month.split("-"))
        nxt = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
        out.append(min(nxt - timedelta(days=1), last))
    return out


@dataclass(frozen=True, slots=True)
class Changes:
    previous: Period | None
    deltas: list[Delta]
    open_findings_by_month: list[int] | None  # None: the role may not see findings


def changes(
    session: Session,
    principal: Principal,
    flt: TransactionFilter,
    period: Period,
    today: date,
    *,
    current: SpendFigures,
    months: list[str],
    can_findings: bool,
) -> Changes:
    """The deltas of the overview's figures against the previous period. ``current`` holds
    this period's figures; open findings are counted only for a caller who may see them."""
    before = previous(period)
    prior = None
    if before is not None:
        prior = spend_figures(
            session, replace(flt, date_from=before.date_from, date_to=before.date_to)
        )
    deltas = [
        Delta(
            "Software spend",
            current.software_minor,
            prior.software_minor if prior else None,
            money=True,
        ),
        Delta(
            "Outside-IT spend",
            current.outside_minor,
            prior.outside_minor if prior else None,
            money=True,
        ),
        Delta("Apps with spend", current.apps, prior.apps if prior else None, money=False),
    ]
    by_month = None
    if can_findings:
        dates = _finding_dates(session, principal)
        end = min(period.bounds(today)[1], today)
        at_before = open_at(dates, before.date_to) if before and before.date_to else None
        deltas.insert(
            2,
            Delta(
                f"Open findings on {end.isoformat()}",
                open_at(dates, end),
                at_before,
                money=False,
                href="/findings",
            ),
        )
        by_month = [open_at(dates, day) for day in month_ends(months, end)]
    return Changes(previous=before, deltas=deltas, open_findings_by_month=by_month)
