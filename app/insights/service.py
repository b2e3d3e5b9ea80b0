"""What finance and the CIO ask beyond raw spend: running subscriptions, upcoming renewals,
and tools that do the same job bought more than once."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar, cast

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from app.config import get_settings
from app.db import utcnow
from app.feeds import rollup
from app.findings import cadence as cadence_mod
from app.models import Department, SanctionedApp, Transaction, Vendor

LOOKBACK_DAYS = 400  # a little over a year, so annual charges are seen twice when they recur


class VendorRef(BaseModel):
    id: int
    name: str
    category: str | None


class DepartmentRef(BaseModel):
    id: int | None
    name: str | None


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


# (vendor id, department id). A plain tuple: building, hashing and comparing a frozen
# dataclass key per row cost ~0.6 s of a 2 s answer at a million transactions.
_Key = tuple[int, int | None]


def _charges(
    session: Session, since: date, department_id: int | None
) -> dict[_Key, list[tuple[date, int, bool]]]:
    stmt = select(
        col(Transaction.vendor_id),
        col(Transaction.department_id),
        col(Transaction.transaction_date),
        col(Transaction.reporting_amount_minor),
        col(Transaction.outside_it),
    ).where(
        col(Transaction.is_software).is_(True),
        col(Transaction.vendor_id).is_not(None),
        col(Transaction.removed_at).is_(None),
        col(Transaction.duplicate_of_id).is_(None),
        col(Transaction.reporting_amount_minor).is_not(None),
        col(Transaction.transaction_date) >= since,
    )
    if department_id is not None:
        stmt = stmt.where(col(Transaction.department_id) == department_id)
    out: dict[_Key, list[tuple[date, int, bool]]] = defaultdict(list)
    for vid, did, day, amount, outside in session.execute(stmt):
        out[(vid, did)].append((day, amount, outside))
    return out


# Recent answers of subscriptions() and redundancy(), per (what changed last, day, filters):
# reading a year of software rows costs ~2 s at a million transactions, and the dashboard
# asks on every visit. Answers are shared between callers: never modified after they are kept.
_CACHE: dict[tuple[object, ...], object] = {}
_T = TypeVar("_T")
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32
_AUDIT_HEAD = "SELECT max(id) FROM audit_events"


def _version(session: Session) -> tuple[object, ...] | None:
    """What subscriptions depend on, as comparable values; ``None`` when the rollups have
    work pending (their generation does not yet reflect the newest transactions).

    The spend generation moves with every transaction change the feeds see; the newest
    audit event with every change to vendors, departments and the sanctioned inventory (all
    audited)."""
    if rollup.pending(session):
        return None
    audit = session.connection().exec_driver_sql(_AUDIT_HEAD).scalar()
    return (rollup.generation(session), audit)


def warm(session: Session) -> None:
    """Answer, and so keep, what the dashboard asks first (company-wide subscriptions and
    renewals, the redundancy report), so the first visit after new data does not wait for
    them (~2 s at a million transactions). Cheap while they are current; skipped while the
    rollups have work pending. The scheduler calls it every minute in its process."""
    if _version(session) is None:
        return
    subscriptions(session)
    redundancy(session)


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


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
    found = _cached(
        session,
        ("subscriptions", today, department_id),
        lambda: _subscriptions(session, department_id, today),
    )
    return [s for s in found if include_stopped or not s.stopped]


def _cached(session: Session, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, or the answer kept for ``key`` while :func:`_version` is unchanged."""
    version = _version(session)
    if version is None:
        return compute()
    full = (version, *key)
    with _CACHE_LOCK:
        hit = _CACHE.get(full)
    if hit is None:
        hit = compute()
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.clear()
            _CACHE[full] = hit
    return cast(_T, hit)


def _subscriptions(
    session: Session, department_id: int | None, today: date
) -> list[SubscriptionPublic]:
    currency = get_settings().reporting_currency
    grouped = _charges(session, today - timedelta(days=LOOKBACK_DAYS), department_id)
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


def renewals(
    session: Session,
    *,
    days: int = 90,
    department_id: int | None = None,
    today: date | None = None,
) -> list[SubscriptionPublic]:
    """Subscriptions whose next charge falls within the next ``days`` days, soonest first, so
    expected charges that did not arrive come first; ``overdue`` marks those later than their
    cadence allows: the ones to look at (a cancelled tool, a card that changed, a move to
    invoice)."""
    today = today or utcnow().date()
    horizon = today + timedelta(days=days)
    due = [
        s
        for s in subscriptions(
            session, department_id=department_id, include_stopped=False, today=today
        )
        if s.next_expected_date is not None and s.next_expected_date <= horizon
    ]
    due.sort(key=lambda s: (s.next_expected_date or horizon, s.vendor.name))
    return due


class ToolSpend(BaseModel):
    vendor: VendorRef
    spend_minor: int
    departments: list[str]
    sanctioned: bool


class CategoryOverlap(BaseModel):
    category: str
    tools: list[ToolSpend]
    total_minor: int
    estimated_saving_minor: int = Field(
        description="Spend on every tool but the most used one, if the category consolidated"
    )


class DepartmentSpend(BaseModel):
    id: int | None
    name: str | None
    spend_minor: int


class SharedVendor(BaseModel):
    vendor: VendorRef
    departments: list[DepartmentSpend]
    total_minor: int
    estimated_saving_minor: int = Field(
        description="A typical 15% volume discount from buying it once for everyone"
    )


class RedundancyReport(BaseModel):
    reporting_currency: str
    period_from: date
    period_to: date
    categories: list[CategoryOverlap]
    shared_vendors: list[SharedVendor]
    total_estimated_saving_minor: int


CONSOLIDATION_DISCOUNT = 0.15


def redundancy(session: Session, *, days: int = 365, today: date | None = None) -> RedundancyReport:
    """Categories with several tools in use, and vendors bought separately by several
    departments, each with an estimated saving over the last ``days`` days. Kept while
    nothing behind it changed, as :func:`subscriptions`."""
    day = today or utcnow().date()
    return _cached(
        session, ("redundancy", day, days), lambda: _redundancy(session, days=days, today=day)
    )


def _redundancy(session: Session, *, days: int, today: date) -> RedundancyReport:
    since = today - timedelta(days=days)
    grouped = _charges(session, since, None)
    vendor_ids = {vid for vid, _ in grouped}
    vendors = {
        v.id: v
        for v in session.exec(orm_select(Vendor).where(col(Vendor.id).in_(vendor_ids or {0})))
    }
    depts = {d.id: d.name for d in session.exec(orm_select(Department))}
    sanctioned_vendors = {
        s.vendor_id
        for s in session.exec(
            orm_select(SanctionedApp).where(col(SanctionedApp.status) == "active")
        )
    }
    per_vendor: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for (vendor_id, department_id), rows in grouped.items():
        per_vendor[vendor_id][department_id] += sum(a for _, a, _ in rows)

    by_category: dict[str, list[ToolSpend]] = defaultdict(list)
    shared: list[SharedVendor] = []
    for vid, spend_by_dept in per_vendor.items():
        vendor = vendors.get(vid)
        if vendor is None or vendor.id is None or vendor.is_reseller:
            continue
        total = sum(spend_by_dept.values())
        if total <= 0:
            continue
        ref = VendorRef(id=vendor.id, name=vendor.name, category=vendor.category)
        names = sorted(depts.get(d) or "Unassigned" for d in spend_by_dept)
        if vendor.category:
            by_category[vendor.category].append(
                ToolSpend(
                    vendor=ref,
                    spend_minor=total,
                    departments=names,
                    sanctioned=vid in sanctioned_vendors,
                )
            )
        buyers = [d for d, amount in spend_by_dept.items() if amount > 0]
        if len(buyers) > 1:
            shared.append(
                SharedVendor(
                    vendor=ref,
                    departments=sorted(
                        (
                            DepartmentSpend(id=d, name=depts.get(d), spend_minor=spend_by_dept[d])
                            for d in buyers
                        ),
                        key=lambda x: -x.spend_minor,
                    ),
                    total_minor=total,
                    estimated_saving_minor=round(total * CONSOLIDATION_DISCOUNT),
                )
            )
    categories = []
    for category, tools in by_category.items():
        if len(tools) < 2:
            continue
        tools.sort(key=lambda t: -t.spend_minor)
        total = sum(t.spend_minor for t in tools)
        categories.append(
            CategoryOverlap(
                category=category,
                tools=tools,
                total_minor=total,
                estimated_saving_minor=total - tools[0].spend_minor,
            )
        )
    categories.sort(key=lambda c: -c.estimated_saving_minor)
    shared.sort(key=lambda s: -s.estimated_saving_minor)
    return RedundancyReport(
        reporting_currency=get_settings().reporting_currency,
        period_from=since,
        period_to=today,
        categories=categories,
        shared_vendors=shared,
        total_estimated_saving_minor=sum(c.estimated_saving_minor for c in categories)
        + sum(s.estimated_saving_minor for s in shared),
    )
