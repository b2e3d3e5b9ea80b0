"""Renewals that matter: sanctioned contracts coming up for renewal, and the next charges of
recurring subscriptions, ranked by what they cost a year.

- A **contract** is a sanctioned app with a ``contract_end``. It is listed when the day to act
  (the end, less its ``notice_days`` when given) falls within the horizon, and for 30 days
  after it ended (``overdue``: nobody recorded a renewal). Its annual value is converted to the
  reporting currency at the latest known rate.
- A **subscription** is a recurring charge (:func:`app.insights.service.subscriptions`) still
  running whose next charge is due within the horizon, or overdue. A subscription of a vendor
  under a sanctioned contract is the contract's, and not listed again, when the contract covers
  its department or IT pays it (IT's card paying the contract); one bought outside IT stays.

Ranked by annual value (unknown last), then by the day to act.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from app.config import get_settings
from app.db import utcnow
from app.fx.service import RateBook
from app.insights import service as subscriptions_service
from app.insights.common import DepartmentRef, VendorRef
from app.models import Department, SanctionedApp, Vendor

ENDED_GRACE_DAYS = 30


class Renewal(BaseModel):
    id: str = Field(description="contract:<sanctioned app id> or subscription:<vendor>:<dept>")
    kind: Literal["contract", "subscription"]
    vendor: VendorRef
    department: DepartmentRef = Field(description="null id: company-wide (a contract)")
    renews_on: date = Field(description="The contract's end, or the next expected charge")
    act_by: date = Field(description="The last day to cancel or renegotiate")
    notice_days: int | None = Field(description="The contract's notice period, when recorded")
    annual_value_minor: int | None = Field(
        description="A year of it in the reporting currency (null: no value or no rate)"
    )
    currency: str = Field(description="The reporting currency")
    cadence: str | None = Field(description="A subscription's cadence")
    overdue: bool = Field(
        description="A contract that ended without a recorded renewal, or an expected charge "
        "that did not arrive"
    )
    sanctioned: bool
    outside_it: bool
    owner_email: str | None = None


def renewals(
    session: Session,
    *,
    days: int = 90,
    department_id: int | None = None,
    today: date | None = None,
) -> list[Renewal]:
    """Contracts and subscriptions to act on within ``days`` (see the module), most valuable
    first; ``department_id`` narrows both to one department's."""
    today = today or utcnow().date()
    horizon = today + timedelta(days=days)
    currency = get_settings().reporting_currency
    apps = list(
        session.exec(
            orm_select(SanctionedApp).where(
                col(SanctionedApp.status) == "active", col(SanctionedApp.contract_end).is_not(None)
            )
        )
    )
    vendors = {
        v.id: v
        for v in session.exec(
            orm_select(Vendor).where(col(Vendor.id).in_({a.vendor_id for a in apps} or {0}))
        )
    }
    depts = {d.id: d.name for d in session.exec(orm_select(Department))}
    rates = RateBook(session, currency)
    out: list[Renewal] = []
    for app in apps:
        assert app.contract_end is not None
        if department_id is not None and app.department_id != department_id:
            continue
        vendor = vendors.get(app.vendor_id)
        if vendor is None or vendor.id is None:
            continue
        act_by = app.contract_end - timedelta(days=app.notice_days or 0)
        ended = app.contract_end < today
        if act_by > horizon or (ended and (today - app.contract_end).days > ENDED_GRACE_DAYS):
            continue
        value = None
        if app.annual_value_minor is not None:
            value = rates.convert(app.annual_value_minor, app.currency or currency, today)
        out.append(
            Renewal(
                id=f"contract:{app.id}",
                kind="contract",
                vendor=VendorRef(id=vendor.id, name=vendor.name, category=vendor.category),
                department=DepartmentRef(id=app.department_id, name=depts.get(app.department_id)),
                renews_on=app.contract_end,
                act_by=act_by,
                notice_days=app.notice_days,
                annual_value_minor=value,
                currency=currency,
                cadence=None,
                overdue=ended,
                sanctioned=True,
                outside_it=False,
                owner_email=app.owner_email,
            )
        )
    under_contract = {(a.vendor_id, a.department_id) for a in apps}
    contracted = {a.vendor_id for a in apps}
    for s in subscriptions_service.subscriptions(
        session, department_id=department_id, include_stopped=False, today=today
    ):
        due = s.next_expected_date
        if due is None or due > horizon:
            continue
        covered = {(s.vendor.id, None), (s.vendor.id, s.department.id)} & under_contract
        if covered or (s.vendor.id in contracted and not s.outside_it):
            continue
        out.append(
            Renewal(
                id=f"subscription:{s.vendor.id}:{s.department.id or 0}",
                kind="subscription",
                vendor=s.vendor,
                department=s.department,
                renews_on=due,
                act_by=due,
                notice_days=None,
                annual_value_minor=s.annual_run_rate_minor,
                currency=s.currency,
                cadence=s.cadence,
                overdue=s.overdue,
                sanctioned=s.sanctioned,
                outside_it=s.outside_it,
            )
        )
    out.sort(key=rank)
    return out


def rank(r: Renewal) -> tuple[int, str, str]:
    """Most valuable first (unknown last), then the soonest to act on; also the cursor key."""
    value = -1 if r.annual_value_minor is None else r.annual_value_minor
    return (-value, r.act_by.isoformat(), r.id)
