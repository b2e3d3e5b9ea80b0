"""Running subscriptions: recurring software charges per vendor and department, with their
cadence, run-rate, next charge and price moves. Renewals (:mod:`app.insights.renewals`) and
redundancy (:mod:`app.insights.redundancy`) build on the same charges and cache
(:mod:`app.insights.common`)."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from app.config import get_settings
from app.db import utcnow
from app.insights import cadence as cadence_mod
from app.insights import common
from app.insights import redundancy as redundancy_mod
from app.insights.common import DepartmentRef, VendorRef
from app.models import Department, SanctionedApp, Vendor

LOOKBACK_DAYS = 400  # a little over a year, so annual charges are seen twice when they recur


class SubscriptionPublic(BaseModel):
    vendor: VendorRef
    department: DepartmentRef
    cadence: str = Field(description="weekly, monthly, quarterly or annual")
    currency: str = Field(description="Reporting currency of the amounts")
    charges: int
    first_charge_date: date
    last_charge_date: date
    last_amount_minor: int
    typical_amount_minor: int
    annual_run_rate_minor: int
    next_expected_date: date | None
    overdue: bool = Field(
        description="The expected charge has not arrived though it is later than the cadence's "
        "usual spread allows (a week's: 2 days, a month's: 6, a quarter's: 12, a year's: 25), "
        "and not yet long enough to call the subscription stopped"
    )
    price_change_pct: float | None = Field(description="Latest vs first charge, when it moved")
    amount_drift: bool = Field(description="The latest charge differs from the usual by >10%")
    stopped: bool = Field(description="No charge for 1.5 cycles past the expected date")
    sanctioned: bool
    outside_it: bool


def warm(session: Session) -> None:
    """Answer, and so keep, what the dashboard asks first (company-wide subscriptions and
    renewals, the redundancy report), so the first visit after new data does not wait for
    them (~2 s at a million transactions). Cheap while they are current; skipped while the
    rollups have work pending. The scheduler calls it every minute in its process."""
    if common.version(session) is None:
        return
    subscriptions(session)
    redundancy_mod.redundancy(session)


clear_cache = common.clear_cache


def subscriptions(
    session: Session,
    *,
    department_id: int | None = None,
    include_stopped: bool = True,
    today: date | None = None,
) -> list[SubscriptionPublic]:
    """Recurring vendor charges per department, with run-rate, next charge and price moves.

    Answers are kept while nothing they depend on changed (see :func:`_version`)."""
    today = today or utcnow().date()
    found = common.cached(
        session,
        ("subscriptions", today, department_id),
        lambda: _subscriptions(session, department_id, today),
    )
    return [s for s in found if include_stopped or not s.stopped]


def _subscriptions(
    session: Session, department_id: int | None, today: date
) -> list[SubscriptionPublic]:
    currency = get_settings().reporting_currency
    grouped = common.charges(session, today - timedelta(days=LOOKBACK_DAYS), department_id)
    vendors = {
        v.id: v
        for v in session.exec(
            orm_select(Vendor).where(col(Vendor.id).in_({vid for vid, _ in grouped} or {0}))
        )
    }
    depts = {d.id: d.name for d in session.exec(orm_select(Department))}
    sanctioned = {
        (s.vendor_id, s.department_id)
        for s in session.exec(
            orm_select(SanctionedApp).where(col(SanctionedApp.status) == "active")
        )
    }
    out = []
    for (vid, did), rows in grouped.items():
        cad = cadence_mod.detect([(d, a) for d, a, _ in rows], today=today)
        if cad.kind is None:
            continue
        vendor = vendors.get(vid)
        if vendor is None or vendor.id is None:
            continue
        positive = sorted(d for d, a, _ in rows if a > 0)
        drift = (
            cad.typical_amount > 0
            and abs(cad.last_amount - cad.typical_amount) > 0.1 * cad.typical_amount
        )
        out.append(
            SubscriptionPublic(
                vendor=VendorRef(id=vendor.id, name=vendor.name, category=vendor.category),
                department=DepartmentRef(
                    id=did,
                    name=depts.get(did) if did else None,
                ),
                cadence=cad.kind,
                currency=currency,
                charges=cad.charges,
                first_charge_date=positive[0],
                last_charge_date=positive[-1],
                last_amount_minor=cad.last_amount,
                typical_amount_minor=cad.typical_amount,
                annual_run_rate_minor=0 if cad.stopped else cad.annual_run_rate,
                next_expected_date=cad.next_expected,
                overdue=cad.overdue,
                price_change_pct=cad.price_change_pct,
                amount_drift=bool(drift),
                stopped=cad.stopped,
                sanctioned=(vid, None) in sanctioned or (vid, did) in sanctioned,
                outside_it=any(o for _, _, o in rows),
            )
        )
    out.sort(key=lambda s: (-s.annual_run_rate_minor, s.vendor.name))
    return out
