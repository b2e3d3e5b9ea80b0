"""The app inventory: one row per software vendor the company pays for, read from what is
already kept rather than from every transaction:

* spend per vendor, department and month from the spend rollups, through the spend feed's own
  statement (:func:`app.feeds.service.feed_statement`), so every figure equals
  ``GET /api/v1/feeds/spend?group_by=department,vendor,month&is_software=true``;
* run-rate from the running subscriptions (:mod:`app.insights.service`, cached);
* sanctioned status and contracts from ``sanctioned_apps``; open findings and registrations
  counted per vendor; first and last month seen from ``spend_monthly``;
* cardholders, the one figure no rollup keeps, only for the rows on the page shown, each an
  index range on ``ix_transactions_vendor_date``.

Everything is under the caller's department scope, as the API answers it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.config import get_settings
from app.dashboard import contracts, export, labels, run_rate
from app.feeds import rollup
from app.feeds import service as feeds_service
from app.models import (
    Department,
    Finding,
    Registration,
    Transaction,
    Vendor,
)
from app.periods import Period
from app.sanctioned.schemas import SanctionedAppPublic
from app.transactions import service as transactions_service
from app.transactions.service import TransactionFilter
from connectors.money import format_minor

PAGE_SIZE = 50
SORTS = ("spend", "name", "run_rate", "last_seen", "findings", "departments")
STATUSES = ("sanctioned", "partial", "outside_it", "it_procured")


@dataclass(frozen=True, slots=True, kw_only=True)
class InventoryFilter:
    q: str = ""
    category: str = ""
    status: str = ""  # one of STATUSES, or "" for every app
    department_id: int | None = None
    sort: str = "spend"


@dataclass(slots=True, kw_only=True)
class AppRow:
    vendor_id: int
    name: str
    slug: str
    category: str | None
    category_label: str = ""
    function_label: str | None = None
    spend_minor: int = 0
    outside_minor: int = 0
    monthly: list[int] = field(default_factory=list)
    run_rate_minor: int = 0
    run_rate_bases: list[str] = field(default_factory=list)  # see app.dashboard.run_rate
    departments: list[str] = field(default_factory=list)
    cardholders: int | None = None  # counted for the page shown only
    status: str = "it_procured"
    contracts: list[SanctionedAppPublic] = field(default_factory=list)
    open_findings: int | None = None  # None: the role may not see findings
    registrations: int | None = None  # None: the role may not see registrations
    first_seen: str | None = None  # YYYY-MM-DD, ever (not only in the period)
    last_seen: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventory:
    rows: list[AppRow]  # the page shown
    total: int  # rows matching the filter
    page: int
    pages: int
    months: list[str]
    currency: str
    spend_minor: int  # over every matching row, not just the page
    run_rate_minor: int
    departments: list[tuple[int, str]]  # what the department filter offers
    can_findings: bool
    can_registrations: bool


def months_between(first: date, last: date) -> list[str]:
    out = []
    day = first.replace(day=1)
    while day <= last:
        out.append(f"{day.year:04d}-{day.month:02d}")
        day = rollup.next_month(day)
    return out


def spend_filter(
    principal: Principal, period: Period, department_id: int | None = None
) -> TransactionFilter:
    """Software spend in the period, under the caller's scope (and department filter)."""
    return transactions_service.scoped_filter(
        TransactionFilter(
            date_from=period.date_from,
            date_to=period.date_to,
            department_id=department_id,
            is_software=True,
        ),
        principal,
    )


def spend_cube(session: Session, flt: TransactionFilter) -> list[tuple[Any, ...]]:
    """(department_id, vendor_id, month, sanctioned_minor, outside_minor) for ``flt``: the
    spend feed's statement grouped by department, vendor and month."""
    rollup.ensure_fresh(session, session.commit)
    feed = feeds_service.feed_statement(
        flt,
        ("department", "vendor", "month"),
        get_settings().reporting_currency,
        session.get_bind().dialect.name,
    ).subquery()
    # Only the keys and the two software sums: converting each row's newest ``updated_at``
    # (which the feed needs for its ETag) costs a third of the query here.
    stmt = sa_select(*list(feed.c)[:5])
    return [(r[0], r[1], r[2], int(r[3] or 0), int(r[4] or 0)) for r in session.execute(stmt)]


def contracts_by_vendor(
    session: Session,
    principal: Principal,
    vendor_ids: set[int] | None = None,
    *,
    include_retired: bool = False,
) -> dict[int, list[SanctionedAppPublic]]:
    """Sanctioned apps per vendor that the caller may see (as ``GET /api/v1/sanctioned-apps``
    answers it)."""
    status = "all" if include_retired else "active"
    out: dict[int, list[SanctionedAppPublic]] = defaultdict(list)
    for app in contracts.visible(session, principal, status, vendor_ids):
        out[app.vendor_id].append(app)
    return out


def department_names(session: Session) -> dict[int, str]:
    return {
        int(i): str(n)
        for i, n in session.execute(sa_select(col(Department.id), col(Department.name)))
    }


def _counts(session: Session, model: Any, where: list[Any], department_id: int | None) -> Any:
    stmt = sa_select(col(model.vendor_id), func.count()).where(
        col(model.vendor_id).is_not(None), *where
    )
    if department_id is not None:
        stmt = stmt.where(col(model.department_id) == department_id)
    return {int(v): int(n) for v, n in session.execute(stmt.group_by(col(model.vendor_id)))}


def seen_dates(
    session: Session, flt: TransactionFilter, vendor_ids: set[int]
) -> dict[int, tuple[str, str]]:
    """The first and last day (ISO dates) each vendor had software spend under ``flt`` (its
    department scope, every date): the transactions themselves, not the monthly rollup."""
    if not vendor_ids:
        return {}
    t = Transaction
    query: Any = sa_select(
        col(t.vendor_id), func.min(col(t.transaction_date)), func.max(col(t.transaction_date))
    )
    stmt = transactions_service.apply_filter(query, flt)
    stmt = stmt.where(col(t.vendor_id).in_(vendor_ids)).group_by(col(t.vendor_id))
    return {int(v): (_day(lo), _day(hi)) for v, lo, hi in session.execute(stmt)}


def _day(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def cardholder_counts(
    session: Session, flt: TransactionFilter, vendor_ids: list[int]
) -> dict[int, int]:
    """Distinct cardholders per vendor under ``flt`` (rows without one are not counted)."""
    if not vendor_ids:
        return {}
    t = Transaction
    query: Any = sa_select(col(t.vendor_id), func.count(func.distinct(col(t.cardholder_id))))
    stmt = transactions_service.apply_filter(query, flt)
    stmt = stmt.where(col(t.vendor_id).in_(vendor_ids)).group_by(col(t.vendor_id))
    return {int(v): int(n) for v, n in session.execute(stmt)}


def status_of(contracts: list[SanctionedAppPublic], outside_minor: int) -> str:
    if any(c.department_id is None for c in contracts):
        return "sanctioned"
    if contracts:
        return "partial"
    return "outside_it" if outside_minor > 0 else "it_procured"


def _sort_key(sort: str) -> Any:
    keys: dict[str, Any] = {
        "spend": lambda r: (-r.spend_minor, r.name.lower()),
        "name": lambda r: (r.name.lower(), r.vendor_id),
        "run_rate": lambda r: (-r.run_rate_minor, -r.spend_minor, r.name.lower()),
        "findings": lambda r: (-(r.open_findings or 0), -r.spend_minor, r.name.lower()),
        "departments": lambda r: (-len(r.departments), -r.spend_minor, r.name.lower()),
    }
    return keys[sort]


def build(
    session: Session,
    principal: Principal,
    period: Period,
    flt: InventoryFilter,
    today: date,
    *,
    page: int = 1,
    page_size: int | None = PAGE_SIZE,
) -> Inventory:
    """The inventory under ``flt``, sorted, with ``page`` of it filled in completely
    (``page_size=None``: every row, as the CSV export wants)."""
    department_id = principal.department_filter(flt.department_id)
    spend_flt = spend_filter(principal, period, department_id)
    names = department_names(session)
    rows: dict[int, AppRow] = {}
    dept_spend: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    by_month: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cube = spend_cube(session, spend_flt)
    seen_months: set[str] = set()
    for dept, vendor, month, sanctioned, outside in cube:
        if vendor is None:
            continue
        vendor = int(vendor)
        amount = sanctioned + outside
        dept_spend[vendor][dept] += amount
        by_month[vendor][str(month)] += amount
        seen_months.add(str(month))
        row = rows.get(vendor)
        if row is None:
            row = rows[vendor] = AppRow(vendor_id=vendor, name="", slug="", category=None)
        row.spend_minor += amount
        row.outside_minor += outside
    approved = contracts_by_vendor(session, principal)
    if department_id is not None:
        # A department filter keeps the contracts that cover it.
        approved = {
            v: covering
            for v, cs in approved.items()
            if (covering := [c for c in cs if c.department_id in (None, department_id)])
        }
    for vendor in approved:
        rows.setdefault(vendor, AppRow(vendor_id=vendor, name="", slug="", category=None))
    vendors = {
        v.id: v for v in session.exec(select(Vendor).where(col(Vendor.id).in_(set(rows) or {0})))
    }
    rates = run_rate.run_rates(session, principal, department_id, today)
    can_findings = allowed(principal.role, Perm.FINDINGS_READ, scoped=principal.scoped)
    can_registrations = allowed(principal.role, Perm.REGISTRATIONS_READ, scoped=principal.scoped)
    findings = (
        _counts(session, Finding, [col(Finding.status) == "open"], department_id)
        if can_findings
        else {}
    )
    registrations = (
        _counts(session, Registration, [col(Registration.status) == "active"], department_id)
        if can_registrations
        else {}
    )
    ever = replace(spend_flt, date_from=None, date_to=None)
    seen = seen_dates(session, ever, set(rows))
    lo, hi = period.bounds(today)
    months = months_between(max(lo, _first_month(seen_months, lo)), hi)
    q = flt.q.strip().lower()
    kept: list[AppRow] = []
    for vid, row in rows.items():
        v = vendors.get(vid)
        if v is None or not v.is_software:
            continue
        row.name, row.slug, row.category = v.name, v.slug, v.category
        if q and q not in v.name.lower() and q not in v.slug:
            continue
        if flt.category and v.category != flt.category:
            continue
        row.category_label = labels.category(v.category)
        row.function_label = labels.function(v.slug)
        row.contracts = approved.get(vid, [])
        row.status = status_of(row.contracts, row.outside_minor)
        if flt.status and row.status != flt.status:
            continue
        row.monthly = [by_month[vid].get(m, 0) for m in months]
        rate = rates.get(vid)
        row.run_rate_minor = rate.minor if rate else 0
        row.run_rate_bases = sorted(rate.bases or ()) if rate else []
        spenders = sorted(dept_spend[vid].items(), key=lambda kv: -kv[1])
        row.departments = [
            names.get(d, "No department") if d else "No department" for d, _ in spenders
        ]
        row.open_findings = findings.get(vid, 0) if can_findings else None
        row.registrations = registrations.get(vid, 0) if can_registrations else None
        row.first_seen, row.last_seen = seen.get(vid, (None, None))
        kept.append(row)
    sort = flt.sort if flt.sort in SORTS else "spend"
    if sort == "last_seen":
        kept.sort(key=lambda r: (r.last_seen or "", r.spend_minor), reverse=True)
    else:
        kept.sort(key=_sort_key(sort))
    size = page_size or max(len(kept), 1)
    pages = max(1, -(-len(kept) // size))
    page = min(max(page, 1), pages)
    shown = kept[(page - 1) * size : page * size]
    holders = cardholder_counts(session, spend_flt, [r.vendor_id for r in shown])
    for row in shown:
        row.cardholders = holders.get(row.vendor_id, 0)
    offered = [] if principal.scoped else sorted(names.items(), key=lambda kv: kv[1].lower())
    return Inventory(
        rows=shown,
        total=len(kept),
        page=page,
        pages=pages,
        months=months,
        currency=get_settings().reporting_currency,
        spend_minor=sum(r.spend_minor for r in kept),
        run_rate_minor=sum(r.run_rate_minor for r in kept),
        departments=offered,
        can_findings=can_findings,
        can_registrations=can_registrations,
    )


def _first_month(seen_months: set[str], fallback: date) -> date:
    if not seen_months:
        return fallback
    year, month = (int(p) for p in min(seen_months).split("-"))
    return date(year, month, 1)


CSV_COLUMNS = (
    "vendor_id",
    "vendor",
    "category",
    "function",
    "status",
    "spend_minor",
    "spend",
    "outside_it_minor",
    "annual_run_rate_minor",
    "annual_run_rate",
    "reporting_currency",
    "departments",
    "cardholders",
    "contracts",
    "open_findings",
    "registrations",
    "first_seen",
    "last_seen",
)


def csv_lines(inventory: Inventory) -> Iterator[str]:
    """The inventory as CSV (every matching row, the same filters as the page); text cells
    that a spreadsheet would read as a formula are neutralised."""
    columns = [
        c
        for c in CSV_COLUMNS
        if (c != "open_findings" or inventory.can_findings)
        and (c != "registrations" or inventory.can_registrations)
    ]
    cur = inventory.currency

    def cells(r: AppRow) -> dict[str, Any]:
        return {
            "vendor_id": r.vendor_id,
            "vendor": r.name,
            "category": r.category_label,
            "function": r.function_label or "",
            "status": labels.label("inventory", r.status),
            "spend_minor": r.spend_minor,
            "spend": format_minor(r.spend_minor, cur),
            "outside_it_minor": r.outside_minor,
            "annual_run_rate_minor": r.run_rate_minor,
            "annual_run_rate": format_minor(r.run_rate_minor, cur),
            "reporting_currency": cur,
            "departments": "; ".join(r.departments),
            "cardholders": r.cardholders,
            "contracts": "; ".join(c.department_name or "Company-wide" for c in r.contracts),
            "open_findings": r.open_findings,
            "registrations": r.registrations,
            "first_seen": r.first_seen,
            "last_seen": r.last_seen,
        }

    rows = ([cells(r)[c] for c in columns] for r in inventory.rows)
    return export.csv_lines(columns, rows)
