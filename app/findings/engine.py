"""Keep findings current: one per (vendor, department) bought outside IT.

Incremental: callers pass the vendors whose transactions they inserted, changed, removed or
re-classified; only those vendors' findings are recomputed (a vendor's findings move together
because "several departments buy it" is a property of the vendor).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.config import get_settings
from app.db import utcnow
from app.findings import cadence as cadence_mod
from app.models import Finding, FindingStatus, Registration, SanctionedApp, Transaction, Vendor
from connectors.money import format_minor

SEVERITIES = ("low", "medium", "high", "critical")


@dataclass
class RefreshResult:
    created: list[int] = field(default_factory=list)
    updated: int = 0
    removed: int = 0
    escalated: list[int] = field(default_factory=list)  # became high or critical


def _live(stmt: Any) -> Any:
    return stmt.where(
        Transaction.outside_it == True,  # noqa: E712
        col(Transaction.removed_at).is_(None),
        col(Transaction.duplicate_of_id).is_(None),
    )


def severity_for(score: int) -> str:
    if score >= 6:
        return "critical"
    if score >= 4:
        return "high"
    if score >= 2:
        return "medium"
    return "low"


def refresh(
    session: Session, vendor_ids: Iterable[int | None], *, today: date | None = None
) -> RefreshResult:
    """Recompute the findings of these vendors from their outside-IT transactions."""
    vendors = sorted({v for v in vendor_ids if v is not None})
    result = RefreshResult()
    if not vendors:
        return result
    settings = get_settings()
    today = today or utcnow().date()
    currency = settings.reporting_currency
    for start in range(0, len(vendors), 500):
        _refresh_chunk(session, vendors[start : start + 500], today, currency, result)
    return result


def _refresh_chunk(
    session: Session, vendors: list[int], today: date, currency: str, result: RefreshResult
) -> None:
    settings = get_settings()
    amount = func.coalesce(col(Transaction.reporting_amount_minor), 0)
    aggregates = session.execute(
        _live(
            sa_select(
                col(Transaction.vendor_id),
                col(Transaction.department_id),
                func.count(),
                func.sum(amount),
                func.min(col(Transaction.transaction_date)),
                func.max(col(Transaction.transaction_date)),
                func.max(case((col(Transaction.channel) == "reimbursement", 1), else_=0)),
                func.max(case((col(Transaction.reseller_slug).is_not(None), 1), else_=0)),
            ).where(col(Transaction.vendor_id).in_(vendors))
        ).group_by(col(Transaction.vendor_id), col(Transaction.department_id))
    ).all()
    charges: dict[tuple[int, int | None], list[tuple[date, int]]] = defaultdict(list)
    for vid, did, day, amt in session.execute(
        _live(
            select(
                col(Transaction.vendor_id),
                col(Transaction.department_id),
                col(Transaction.transaction_date),
                amount,
            ).where(col(Transaction.vendor_id).in_(vendors))
        )
    ):
        charges[(vid, did)].append((day, amt))
    first_seen: dict[int, date] = dict(
        session.execute(
            select(col(Transaction.vendor_id), func.min(col(Transaction.transaction_date)))
            .where(col(Transaction.vendor_id).in_(vendors), col(Transaction.removed_at).is_(None))
            .group_by(col(Transaction.vendor_id))
        ).all()
    )
    vendor_rows = {v.id: v for v in session.exec(select(Vendor).where(col(Vendor.id).in_(vendors)))}
    departments_per_vendor: dict[int, int] = defaultdict(int)
    for row in aggregates:
        departments_per_vendor[row[0]] += 1
    overlap = _sanctioned_overlap(session, vendor_rows)
    existing = {
        (f.vendor_id, f.department_id): f
        for f in session.exec(select(Finding).where(col(Finding.vendor_id).in_(vendors)))
    }
    registrations = {
        (r.vendor_id, r.department_id): r.id
        for r in session.exec(
            select(Registration).where(
                col(Registration.vendor_id).in_(vendors), Registration.status == "active"
            )
        )
    }
    seen: set[tuple[int, int | None]] = set()
    low, mid, high = settings.severity_spend_thresholds
    for vid, did, count, total, first, last, reimbursed, via_reseller in aggregates:
        key = (vid, did)
        seen.add(key)
        cad = cadence_mod.detect(charges[key], today=today)
        run_rate = cad.annual_run_rate if cad.kind else int(total or 0)
        score = 0
        reasons: list[str] = []
        spend_steps = sum(1 for t in (low, mid, high) if run_rate >= t)
        if spend_steps:
            score += spend_steps
            reasons.append(
                f"spend: {format_minor(run_rate, currency)} {currency} a year "
                f"(over {format_minor((low, mid, high)[spend_steps - 1], currency)})"
            )
        if cad.kind and not cad.stopped:
            score += 1
            reasons.append(f"recurring: {cad.kind} charges ({cad.charges} so far)")
        if reimbursed:
            score += 1
            reasons.append("reimbursed: paid on a personal card and expensed")
        if departments_per_vendor[vid] > 1:
            score += 1
            reasons.append(f"bought separately by {departments_per_vendor[vid]} departments")
        if overlap.get(vid):
            score += 2
            reasons.append(f"overlap: you already pay for {', '.join(overlap[vid])}")
        if via_reseller:
            score += 1
            reasons.append("bought through a reseller (merchant of record)")
        seen_first = first_seen.get(vid)
        if seen_first is not None and (today - seen_first).days <= settings.new_vendor_days:
            score += 1
            reasons.append(f"new vendor: first seen {seen_first.isoformat()}")
        severity = severity_for(score)
        if severity == "critical" and run_rate < mid:
            severity = "high"  # critical means real money at stake, not just many signals
        finding = existing.get(key)
        values = {
            "severity": severity,
            "severity_score": score,
            "severity_reasons": reasons,
            "total_reporting_minor": int(total or 0),
            "reporting_currency": currency,
            "transaction_count": int(count),
            "first_seen_date": first,
            "last_seen_date": last,
            "cadence": cad.kind if not cad.stopped else None,
            "annual_run_rate_minor": run_rate,
        }
        if finding is None:
            finding = Finding(
                vendor_id=vid,
                department_id=did,
                registration_id=registrations.get(key),
                **values,
            )
            session.add(finding)
            session.flush()
            assert finding.id is not None
            result.created.append(finding.id)
            if severity in ("high", "critical"):
                result.escalated.append(finding.id)
            continue
        was = finding.severity
        changed = any(getattr(finding, k) != v for k, v in values.items())
        if changed:
            for k, v in values.items():
                setattr(finding, k, v)
            finding.updated_at = utcnow()
            session.add(finding)
            result.updated += 1
            if (
                severity in ("high", "critical")
                and SEVERITIES.index(severity) > SEVERITIES.index(was)
                and finding.id is not None
            ):
                result.escalated.append(finding.id)

    for key, finding in existing.items():
        if key in seen:
            continue
        untouched = (
            finding.status == FindingStatus.OPEN
            and finding.assignee_email is None
            and finding.version == 1
        )
        if untouched:
            session.delete(finding)
            result.removed += 1
        elif finding.transaction_count:
            # Nothing outside IT is left behind it (sanctioned, or a wrong match): a finding's
            # totals are always the sum of its outside-IT transactions. The audit event of the
            # decision keeps what it showed before.
            finding.transaction_count = 0
            finding.total_reporting_minor = 0
            finding.annual_run_rate_minor = 0
            finding.cadence = None
            finding.updated_at = utcnow()
            session.add(finding)
            result.updated += 1
    session.flush()


def _sanctioned_overlap(
    session: Session, vendors: dict[int | None, Vendor]
) -> dict[int, list[str]]:
    """For each vendor: names of sanctioned tools of the same category (other vendors)."""
    categories = {v.category for v in vendors.values() if v.category}
    if not categories:
        return {}
    rows = session.execute(
        select(Vendor.id, Vendor.name, Vendor.category)
        .join(SanctionedApp, col(SanctionedApp.vendor_id) == Vendor.id)
        .where(SanctionedApp.status == "active", col(Vendor.category).in_(categories))
    ).all()
    by_category: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for vid, name, category in rows:
        by_category[category].add((vid, name))
    out: dict[int, list[str]] = {}
    for vid, vendor in vendors.items():
        if vid is None or not vendor.category:
            continue
        names = sorted(n for other, n in by_category.get(vendor.category, ()) if other != vid)
        if names:
            out[vid] = names[:3]
    return out


def refresh_all(session: Session) -> RefreshResult:
    """Recompute every vendor's findings (after a policy change such as a new IT department)."""
    vendor_ids = session.exec(
        select(Transaction.vendor_id).where(col(Transaction.vendor_id).is_not(None)).distinct()
    ).all()
    finding_vendors = session.exec(select(Finding.vendor_id).distinct()).all()
    return refresh(session, [*vendor_ids, *finding_vendors])
