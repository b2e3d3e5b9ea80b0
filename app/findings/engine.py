"""Keep findings current: one per (vendor, department) bought outside IT.

Incremental: callers pass the vendors whose transactions they inserted, changed, removed or
re-classified; only those vendors' findings are recomputed (a vendor's findings move together
because "several departments buy it" is a property of the vendor), plus those of any vendor
whose rows changed since the last refresh without one.

A finding is a function of its outside-IT charges per day, which ``finding_days`` keeps by
deltas that triggers record on every write to ``transactions`` (on SQLite, inserted rows are
read by id instead: see migration 0006 and :func:`_new_rows_as_deltas`; see also
:mod:`app.findings.models`). A refresh folds the pending deltas in — as many as rows were
written — and reads the day rows of the findings it recomputes: its cost follows the rows
touched and the days behind those findings, not the size of the transaction table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, delete, func, tuple_, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text
from sqlmodel import Session, col, select

from app.config import get_settings
from app.db import utcnow
from app.findings import cadence as cadence_mod
from app.findings.models import FindingDay
from app.models import Finding, FindingStatus, Registration, SanctionedApp, Transaction, Vendor
from connectors.money import format_minor

SEVERITIES = ("low", "medium", "high", "critical")

# Serialises folds on Postgres (SQLite has one writer anyway).
_PG_LOCK_KEY = 0xF1D1F1D1
_SUMS = ("n", "amount_minor", "positive_minor", "reimbursed", "resold")
_COLUMNS = "vendor_id, department_key, day, " + ", ".join(_SUMS)
_GROUPED = (
    f"SELECT vendor_id, department_key, day, {', '.join(f'sum({c})' for c in _SUMS)} "  # noqa: S608 - constants only
    "FROM {source} WHERE true GROUP BY vendor_id, department_key, day "
    "ON CONFLICT (vendor_id, department_key, day) DO UPDATE SET "
    + ", ".join(f"{c} = finding_days.{c} + excluded.{c}" for c in _SUMS)
)


@dataclass
class RefreshResult:
    created: list[int] = field(default_factory=list)
    updated: int = 0
    removed: int = 0
    escalated: list[int] = field(default_factory=list)  # became high or critical


def severity_for(score: int) -> str:
    if score >= 6:
        return "critical"
    if score >= 4:
        return "high"
    if score >= 2:
        return "medium"
    return "low"


def fold_deltas(session: Session) -> set[tuple[int, int | None]]:
    """Add the pending per-day deltas into ``finding_days``; returns the (vendor, department)
    pairs they touched. Costs in proportion to the rows written since the last fold."""
    session.flush()  # the ORM's pending writes fire their triggers first
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(sa_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        # Claim and fold in one statement: exactly the rows this transaction deletes are added
        # (a concurrent writer's uncommitted deltas stay for a later fold).
        rows = conn.exec_driver_sql(
            f"WITH claimed AS (DELETE FROM finding_day_deltas RETURNING {_COLUMNS}), "  # noqa: S608 - constants only
            f"folded AS (INSERT INTO finding_days ({_COLUMNS}) "
            + _GROUPED.format(source="claimed")
            + " RETURNING vendor_id, department_key) "
            "SELECT DISTINCT vendor_id, department_key FROM folded"
        ).all()
    else:
        _new_rows_as_deltas(conn)
        rows = conn.exec_driver_sql(
            "SELECT DISTINCT vendor_id, department_key FROM finding_day_deltas"
        ).all()
        if rows:
            conn.exec_driver_sql(
                f"INSERT INTO finding_days ({_COLUMNS}) "
                + _GROUPED.format(source="finding_day_deltas")
            )
            conn.exec_driver_sql("DELETE FROM finding_day_deltas")
    if rows:
        # Days whose every row left (removed, sanctioned, re-classified) are dropped.
        conn.execute(
            delete(FindingDay).where(
                col(FindingDay.n) == 0,
                tuple_(col(FindingDay.vendor_id), col(FindingDay.department_key)).in_(
                    [(v, d) for v, d in rows]
                ),
            )
        )
    return {(v, d or None) for v, d in rows}


# SQLite: rows inserted since the last fold, read by id (no insert trigger; see migration 0006).
_NEW_ROWS = (
    f"INSERT INTO finding_day_deltas ({_COLUMNS}) "  # noqa: S608 - constants only
    "SELECT vendor_id, coalesce(department_id, 0), transaction_date, count(*), "
    "sum(coalesce(reporting_amount_minor, 0)), "
    "sum(max(coalesce(reporting_amount_minor, 0), 0)), "
    "sum(channel = 'reimbursement'), sum(reseller_slug IS NOT NULL) "
    "FROM transactions WHERE id > ? AND outside_it AND removed_at IS NULL "
    "AND duplicate_of_id IS NULL AND vendor_id IS NOT NULL "
    "GROUP BY vendor_id, coalesce(department_id, 0), transaction_date"
)


def _new_rows_as_deltas(conn: Any) -> None:
    """SQLite: turn the rows above the ``findings`` watermark into deltas and move it up."""
    last = conn.exec_driver_sql(
        "SELECT last_id FROM transaction_watermarks WHERE name = 'findings'"
    ).scalar()
    top = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM transactions").scalar()
    if last is None or top <= last:
        return
    conn.exec_driver_sql(_NEW_ROWS, (last,))
    conn.exec_driver_sql(
        "UPDATE transaction_watermarks SET last_id = ? WHERE name = 'findings'", (top,)
    )


def refresh(
    session: Session,
    vendor_ids: Iterable[int | None],
    *,
    today: date | None = None,
    full: bool = False,
) -> RefreshResult:
    """Bring the findings of these vendors (and of any vendor whose outside-IT rows changed
    since the last refresh) up to date.

    Recomputed from their days: the (vendor, department) pairs whose rows changed, and the
    other findings of a vendor whose vendor-wide signals (how many departments buy it, first
    seen, overlap with a sanctioned tool) no longer read as they do on that finding. The rest
    are already current. ``full`` recomputes every finding of these vendors (a policy change).
    """
    changed = fold_deltas(session)
    named = {v for v in vendor_ids if v is not None} | {v for v, _ in changed}
    result = RefreshResult()
    if not named:
        return result
    vendors = sorted(named | _category_peers(session, named))
    settings = get_settings()
    today = today or utcnow().date()
    currency = settings.reporting_currency
    for start in range(0, len(vendors), 500):
        chunk = vendors[start : start + 500]
        keys = None if full else {k for k in changed if k[0] in set(chunk)}
        _refresh_chunk(session, chunk, keys, today, currency, result)
    return result


def _category_peers(session: Session, vendors: set[int]) -> set[int]:
    """Vendors with live findings in the same category: sanctioning one of these vendors may
    have changed their overlap reason (they are recomputed only if it did)."""
    categories = (
        sa_select(col(Vendor.category))
        .where(col(Vendor.id).in_(vendors), col(Vendor.category).is_not(None))
        .scalar_subquery()
    )
    return set(
        session.exec(
            select(Finding.vendor_id)
            .join(Vendor, col(Vendor.id) == col(Finding.vendor_id))
            .where(col(Vendor.category).in_(categories), col(Finding.transaction_count) > 0)
            .distinct()
        ).all()
    )


def _first_seen(session: Session, vendors: list[int]) -> dict[int, date]:
    """Each vendor's first charge of any kind (not removed): one index probe per vendor."""
    first = (
        sa_select(func.min(col(Transaction.transaction_date)))
        .where(col(Transaction.vendor_id) == col(Vendor.id), col(Transaction.removed_at).is_(None))
        .scalar_subquery()
    )
    rows = session.execute(sa_select(col(Vendor.id), first).where(col(Vendor.id).in_(vendors)))
    return {vid: day for vid, day in rows if day is not None}


Key = tuple[int, int | None]
# Reason lines that come from the vendor, not from the finding's own charges.
_VENDOR_WIDE = ("bought separately by ", "overlap: ", "new vendor: ")


def _read_days(
    session: Session, vendors: list[int], keys: set[Key] | None
) -> tuple[dict[Key, list[Any]], dict[Key, list[tuple[date, int]]]]:
    """Per (vendor, department) with outside-IT rows: [count, total, first day, last day,
    reimbursed, resold], and the charges per day (for the cadence). ``keys`` limits the read
    to those pairs; None reads every pair of ``vendors``."""
    aggregates: dict[Key, list[Any]] = {}
    charges: dict[Key, list[tuple[date, int]]] = defaultdict(list)
    days = FindingDay.__table__.c  # type: ignore[attr-defined]
    stmt = sa_select(
        days.vendor_id,
        days.department_key,
        # Thousands of day rows: the driver's value (a date, or ISO text on SQLite) is read
        # as is rather than through the Date type's regex.
        type_coerce(days.day, String),
        days.n,
        days.amount_minor,
        days.positive_minor,
        days.reimbursed,
        days.resold,
    ).where(days.n > 0)
    if keys is None:
        stmt = stmt.where(days.vendor_id.in_(vendors))
    elif keys:
        pairs = [(v, d or 0) for v, d in keys]
        stmt = stmt.where(tuple_(days.vendor_id, days.department_key).in_(pairs))
    else:
        return aggregates, charges
    stmt = stmt.order_by(days.vendor_id, days.department_key, days.day)
    for vid, dkey, day, n, amount, positive, reimbursed, resold in (
        session.connection().execute(stmt).all()
    ):
        if not isinstance(day, date):
            day = date.fromisoformat(day)
        key = (vid, dkey or None)
        agg = aggregates.get(key)
        if agg is None:
            aggregates[key] = [n, amount, day, day, reimbursed, resold]
        else:
            agg[0] += n
            agg[1] += amount
            agg[3] = day
            agg[4] += reimbursed
            agg[5] += resold
        if positive > 0:
            charges[key].append((day, positive))
    return aggregates, charges


def _vendor_wide(reasons: Iterable[str]) -> list[str]:
    return [r for r in reasons if r.startswith(_VENDOR_WIDE)]


def _vendor_reasons(
    departments: int,
    overlap: list[str] | None,
    first_seen: date | None,
    today: date,
    *,
    via_reseller: bool = False,
) -> list[tuple[int, str]]:
    """The severity points and reason lines that come from the vendor (plus the reseller
    line, which has always been listed among them), in the order findings show them."""
    out: list[tuple[int, str]] = []
    if departments > 1:
        out.append((1, f"bought separately by {departments} departments"))
    if overlap:
        out.append((2, f"overlap: you already pay for {', '.join(overlap)}"))
    if via_reseller:
        out.append((1, "bought through a reseller (merchant of record)"))
    if first_seen is not None and (today - first_seen).days <= get_settings().new_vendor_days:
        out.append((1, f"new vendor: first seen {first_seen.isoformat()}"))
    return out


def _refresh_chunk(
    session: Session,
    vendors: list[int],
    keys: set[Key] | None,
    today: date,
    currency: str,
    result: RefreshResult,
) -> None:
    """Recompute ``keys`` (every finding of ``vendors`` when None), and any other finding of
    these vendors whose vendor-wide signals moved."""
    settings = get_settings()
    existing = {
        (f.vendor_id, f.department_id): f
        for f in session.exec(select(Finding).where(col(Finding.vendor_id).in_(vendors)))
    }
    aggregates, charges = _read_days(session, vendors, keys)
    # Which departments buy each vendor: fresh for the pairs just read, and as the other
    # findings (current, since their rows did not change) record it.
    buying: dict[int, set[int | None]] = defaultdict(set)
    for vid, did in aggregates:
        buying[vid].add(did)
    if keys is not None:
        for (vid, did), f in existing.items():
            if (vid, did) not in keys and f.transaction_count > 0:
                buying[vid].add(did)
    departments_per_vendor = {vid: len(depts) for vid, depts in buying.items()}
    first_seen = _first_seen(session, vendors)
    vendor_rows = {v.id: v for v in session.exec(select(Vendor).where(col(Vendor.id).in_(vendors)))}
    overlap = _sanctioned_overlap(session, vendor_rows)
    if keys is not None:
        # Another finding of a touched vendor is recomputed only if what the vendor says
        # about it (departments, overlap, first seen) reads differently now.
        stale: set[Key] = set()
        for key, f in existing.items():
            if key in keys or not f.transaction_count:
                continue
            vid = key[0]
            wide = _vendor_reasons(
                departments_per_vendor.get(vid, 0), overlap.get(vid), first_seen.get(vid), today
            )
            if [line for _, line in wide] != _vendor_wide(f.severity_reasons or []):
                stale.add(key)
        if stale:
            more, more_charges = _read_days(session, vendors, stale)
            aggregates.update(more)
            charges.update(more_charges)
        keys = keys | stale
    registrations: dict[tuple[int | None, int | None], int | None] = {
        (r.vendor_id, r.department_id): r.id
        for r in session.exec(
            select(Registration).where(
                col(Registration.vendor_id).in_(vendors), Registration.status == "active"
            )
        )
    }
    seen: set[tuple[int, int | None]] = set()
    low, mid, high = settings.severity_spend_thresholds
    for key, (count, total, first, last, reimbursed, via_reseller) in aggregates.items():
        vid, did = key
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
        for weight, line in _vendor_reasons(
            departments_per_vendor.get(vid, 0),
            overlap.get(vid),
            first_seen.get(vid),
            today,
            via_reseller=bool(via_reseller),
        ):
            score += weight
            reasons.append(line)
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
        if key in seen or (keys is not None and key not in keys):
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


def refresh_all(session: Session, *, today: date | None = None) -> RefreshResult:
    """Recompute every vendor's findings (after a policy change such as a new IT department,
    and daily: some reasons expire with the calendar alone)."""
    fold_deltas(session)
    day_vendors = session.exec(select(FindingDay.vendor_id).distinct()).all()
    finding_vendors = session.exec(select(Finding.vendor_id).distinct()).all()
    return refresh(session, [*day_vendors, *finding_vendors], today=today, full=True)
