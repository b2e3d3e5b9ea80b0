"""An app's annual run-rate, per (vendor, department) and summed per vendor.

Where the subscriptions analysis found a billing cadence (:mod:`app.insights.cadence`), the
run-rate is the running subscription's (the last charge times the cadence's charges a year;
a stopped one adds nothing). Where it found none (a single charge in its 400-day window, as an
app billed once a year has), the run-rate is the spend of the last 365 days: a yearly charge
counts once, its annual value. This is the rule a finding's ``annual_run_rate`` follows
("a running subscription's run-rate, else the last year's"), so the two pages agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from app.auth.principal import Principal
from app.feeds import service as feeds_service
from app.insights import service as insights_service
from app.transactions import service as transactions_service
from app.transactions.service import TransactionFilter

SUBSCRIPTION = "subscription"
LAST_YEAR = "last_365_days"


@dataclass(slots=True)
class RunRate:
    minor: int = 0
    # How it was reached: the subscriptions' cadence, the last 365 days, or both (several
    # departments, each its own way).
    bases: set[str] | None = None


def run_rates(
    session: Session,
    principal: Principal,
    department_id: int | None,
    today: date,
    *,
    vendor_id: int | None = None,
) -> dict[int, RunRate]:
    """Vendor id -> its annual run-rate under the caller's scope (and a department filter;
    ``vendor_id``: that vendor's alone)."""
    out: dict[int, RunRate] = defaultdict(RunRate)
    with_cadence: set[tuple[int, int | None]] = set()
    for s in insights_service.subscriptions(session, department_id=principal.department_id):
        if department_id is not None and s.department.id != department_id:
            continue
        if vendor_id is not None and s.vendor.id != vendor_id:
            continue
        with_cadence.add((s.vendor.id, s.department.id))
        if s.stopped:
            continue
        rate = out[s.vendor.id]
        rate.minor += s.annual_run_rate_minor
        rate.bases = (rate.bases or set()) | {SUBSCRIPTION}
    last_year = transactions_service.scoped_filter(
        TransactionFilter(
            date_from=today - timedelta(days=364),
            date_to=today,
            department_id=department_id,
            vendor_id=vendor_id,
            is_software=True,
        ),
        principal,
    )
    feed = feeds_service.spend_feed(
        session, last_year, ("vendor", "department"), checkpoint=session.commit
    )
    for row in feed.rows:
        vid, dept_id = row["vendor_id"], row["department_id"]
        minor = int(row["sanctioned_minor"]) + int(row["outside_it_minor"])
        if vid is None or (vid, dept_id) in with_cadence or minor <= 0:
            continue
        rate = out[int(vid)]
        rate.minor += minor
        rate.bases = (rate.bases or set()) | {LAST_YEAR}
    return dict(out)
