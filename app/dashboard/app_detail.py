"""One app of the inventory: its spend over time, who buys it, its newest transactions, its
contracts, registrations and findings, and the decisions taken on them (the audit trail).

The same sources and scope as the inventory (:mod:`app.dashboard.inventory`): spend from the
spend feed's statement, the rest from the tables the API reads, so the page and the API agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import case, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.config import get_settings
from app.dashboard import inventory, labels, run_rate
from app.dashboard.queries import Chart, Series, transactions_url
from app.dashboard.review import ACTION_LABELS as REVIEW_ACTIONS
from app.errors import NotFound
from app.feeds.rollup import next_month
from app.findings import service as findings_service
from app.findings.schemas import FindingPublic
from app.findings.service import FindingFilter
from app.kit.pagination import PageParams
from app.models import AuditEvent, Cardholder, Registration, Transaction, TransactionPublic, Vendor
from app.periods import Period
from app.registrations import service as registrations_service
from app.registrations.schemas import RegistrationPublic
from app.sanctioned.schemas import SanctionedAppPublic
from app.transactions import service as transactions_service
from connectors.money import exponent

RECENT_TRANSACTIONS = 10
TOP_CARDHOLDERS = 15
DECISIONS = 30
FINDINGS = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    label: str
    spend_minor: int
    link: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    at: Any
    actor: str
    action: str
    what: str
    link: str | None
    comment: str | None


@dataclass(slots=True, kw_only=True)
class AppDetail:
    vendor: Vendor
    category_label: str
    function_label: str | None
    status: str
    currency: str
    spend_minor: int = 0
    outside_minor: int = 0
    run_rate_minor: int = 0
    chart: Chart | None = None
    departments: list[Buyer] = field(default_factory=list)
    cardholder_count: int = 0
    cardholders: list[Buyer] | None = None  # None: the role may not see cardholders
    transactions: list[TransactionPublic] = field(default_factory=list)
    transactions_link: str = ""
    contracts: list[SanctionedAppPublic] = field(default_factory=list)
    registrations: list[RegistrationPublic] | None = None
    findings: list[FindingPublic] | None = None
    decisions: list[Decision] = field(default_factory=list)


def _month_range(month: str, period: Period, today: date) -> tuple[date, date]:
    year, mon = (int(p) for p in month.split("-"))
    first = date(year, mon, 1)
    last = date.fromordinal(next_month(first).toordinal() - 1)
    lo, hi = period.bounds(today)
    return max(first, lo), min(last, hi)


def build(
    session: Session, principal: Principal, vendor_id: int, period: Period, today: date
) -> AppDetail:
    vendor = session.get(Vendor, vendor_id)
    if vendor is None:
        raise NotFound(f"vendor {vendor_id} does not exist")
    currency = get_settings().reporting_currency
    flt = inventory.spend_filter(principal, period)
    names = inventory.department_names(session)
    months: dict[str, list[int]] = {}
    by_dept: dict[int | None, int] = {}
    sanctioned_total = outside_total = 0
    vendor_flt = replace(flt, vendor_id=vendor_id)
    for dept, _vendor, month, sanctioned, outside in inventory.spend_cube(session, vendor_flt):
        pair = months.setdefault(str(month), [0, 0])
        pair[0] += sanctioned
        pair[1] += outside
        by_dept[dept] = by_dept.get(dept, 0) + sanctioned + outside
        sanctioned_total += sanctioned
        outside_total += outside
    contracts = inventory.contracts_by_vendor(
        session, principal, {vendor_id}, include_retired=True
    ).get(vendor_id, [])
    active = [c for c in contracts if c.status == "active"]
    detail = AppDetail(
        vendor=vendor,
        category_label=labels.category(vendor.category),
        function_label=labels.function(vendor.slug),
        status=inventory.status_of(active, outside_total),
        currency=currency,
        spend_minor=sanctioned_total + outside_total,
        outside_minor=outside_total,
        contracts=contracts,
        transactions_link=transactions_url(vendor_flt),
    )
    rate = run_rate.run_rates(session, principal, None, today, vendor_id=vendor_id).get(vendor_id)
    detail.run_rate_minor = rate.minor if rate else 0
    ordered = sorted(months)
    if ordered:
        lo, hi = period.bounds(today)
        axis = inventory.months_between(max(lo, date.fromisoformat(ordered[0] + "-01")), hi)

        def links(outside_flag: bool) -> list[str | None]:
            out: list[str | None] = []
            for m in axis:
                first, last = _month_range(m, period, today)
                out.append(
                    transactions_url(
                        vendor_flt, **{"from": first, "to": last, "outside_it": outside_flag}
                    )
                )
            return out

        detail.chart = Chart(
            id="app-spend-over-time",
            title="Spend over time",
            description="Monthly spend on this vendor, sanctioned versus bought outside IT.",
            orientation="v",
            category_label="Month",
            categories=axis,
            series=[
                Series(
                    name="Sanctioned",
                    key="sanctioned",
                    values=[months.get(m, [0, 0])[0] for m in axis],
                    links=links(False),
                ),
                Series(
                    name="Outside IT",
                    key="outside_it",
                    values=[months.get(m, [0, 0])[1] for m in axis],
                    links=links(True),
                ),
            ],
            currency=currency,
            exponent=exponent(currency),
        )
    detail.departments = [
        Buyer(
            label=names.get(d, "No department") if d else "No department",
            spend_minor=amount,
            link=transactions_url(vendor_flt, department_id=d) if d else None,
        )
        for d, amount in sorted(by_dept.items(), key=lambda kv: -kv[1])
    ]
    detail.cardholder_count = inventory.cardholder_counts(session, flt, [vendor_id]).get(
        vendor_id, 0
    )
    if allowed(principal.role, Perm.CARDHOLDERS_READ, scoped=principal.scoped):
        detail.cardholders = _top_cardholders(session, vendor_flt, currency)
    newest = transactions_service.apply_filter(select(Transaction), vendor_flt)
    newest = newest.order_by(
        col(Transaction.transaction_date).desc(), col(Transaction.id).desc()
    ).limit(RECENT_TRANSACTIONS)
    detail.transactions = transactions_service.to_public(list(session.exec(newest)), session)
    if allowed(principal.role, Perm.REGISTRATIONS_READ, scoped=principal.scoped):
        stmt = select(Registration).where(col(Registration.vendor_id) == vendor_id)
        if principal.scoped:
            stmt = stmt.where(col(Registration.department_id) == principal.department_id)
        regs = list(session.exec(stmt.order_by(col(Registration.id).desc())))
        detail.registrations = registrations_service.to_public(session, regs)
    finding_ids: list[int] = []
    if allowed(principal.role, Perm.FINDINGS_READ, scoped=principal.scoped):
        rows, _ = findings_service.list_findings(
            session,
            FindingFilter(vendor_id=vendor_id, sort="spend"),
            PageParams(limit=FINDINGS, cursor=None),
            principal,
        )
        detail.findings = findings_service.to_public(session, rows)
        finding_ids = [f.id for f in detail.findings]
    detail.decisions = _decisions(session, vendor.name, finding_ids, [c.id for c in contracts])
    return detail


def _top_cardholders(session: Session, flt: Any, currency: str) -> list[Buyer]:
    t = Transaction
    converted = col(t.reporting_currency) == currency
    amount = func.sum(case((converted, col(t.reporting_amount_minor)), else_=0))
    query: Any = sa_select(col(t.cardholder_id), amount)
    stmt = transactions_service.apply_filter(query, flt)
    stmt = (
        stmt.where(col(t.cardholder_id).is_not(None))
        .group_by(col(t.cardholder_id))
        .order_by(amount.desc())
        .limit(TOP_CARDHOLDERS)
    )
    rows = [(int(c), int(a or 0)) for c, a in session.execute(stmt)]
    people = {
        h.id: h
        for h in session.exec(
            select(Cardholder).where(col(Cardholder.id).in_([c for c, _ in rows] or [0]))
        )
    }
    out = []
    for holder_id, minor in rows:
        h = people.get(holder_id)
        label = (h.name or h.email or f"Cardholder {holder_id}") if h else f"Cardholder {holder_id}"
        out.append(Buyer(label=label, spend_minor=minor, link=None))
    return out


def _decisions(
    session: Session, vendor_name: str, finding_ids: list[int], contract_ids: list[int]
) -> list[Decision]:
    """The newest audit events on this vendor's findings and contracts the caller may see."""
    wanted = [("finding", str(i)) for i in finding_ids] + [
        ("sanctioned_app", str(i)) for i in contract_ids
    ]
    if not wanted:
        return []
    e = AuditEvent
    clauses = []
    for entity, ids in (("finding", finding_ids), ("sanctioned_app", contract_ids)):
        if ids:
            clauses.append(
                (col(e.entity_type) == entity) & col(e.entity_id).in_([str(i) for i in ids])
            )
    stmt = select(e).where(or_(*clauses)).order_by(col(e.at).desc(), col(e.id).desc())
    out = []
    for ev in session.exec(stmt.limit(DECISIONS)):
        is_finding = ev.entity_type == "finding"
        out.append(
            Decision(
                at=ev.at,
                actor=ev.actor_name or "system",
                action=REVIEW_ACTIONS.get(ev.action) or labels.label("action", ev.action),
                what=(f"finding {ev.entity_id}" if is_finding else f"contract {ev.entity_id}"),
                link=f"/findings/{ev.entity_id}" if is_finding else None,
                comment=ev.comment,
            )
        )
    return out
