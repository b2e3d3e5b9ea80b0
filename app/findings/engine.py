"""Keep findings current: one per (vendor, department) bought outside IT.

Incremental: callers pass the vendors whose transactions they inserted, changed, removed or
re-classified; only those vendors' findings are recomputed (a vendor's findings move together
because "several departments buy it" is a property of the vendor), plus those of any vendor
whose rows changed since the last refresh without one.

A finding is a function of its outside-IT charges per day, which ``finding_days`` keeps by
deltas that triggers record on every write to ``transactions`` (on SQLite, inserted rows are
read by id instead: see migration 0006 and :func:`_new_rows_as_deltas`; see also
:mod:`app.models.findings`). A refresh folds the pending deltas in — as many as rows were
written — and reads the day rows of the findings it recomputes: its cost follows the rows
touched and the days behind those findings, not the size of the transaction table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import String, delete, func, tuple_, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text
from sqlmodel import Session, col, select

from app.config import get_settings
from app.db import utcnow
from app.findings import severity, unrecognised
from app.findings.totals import RefreshResult, accumulate, assess, retire, save
from app.insights import functions as functions_mod
from app.models import Finding, Registration, SanctionedApp, Transaction, Vendor
from app.models.findings import FindingDay
from app.models.governance import LIVE_STATUSES

SEVERITIES = severity.LABELS

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
    candidates: Iterable[str | None] | None = (),
) -> RefreshResult:
    """Bring the findings of these vendors (and of any vendor whose outside-IT rows changed
    since the last refresh) up to date, and those of these candidate vendors (every one when
    ``candidates`` is None: :mod:`app.findings.unrecognised`).

    Recomputed from their days: the (vendor, department) pairs whose rows changed, and the
    other findings of a vendor whose vendor-wide signals (how many departments buy it, first
    seen, overlap with a sanctioned tool) no longer read as they do on that finding. The rest
    are already current. ``full`` recomputes every finding of these vendors (a policy change).

    Only live findings (open, snoozed, rejected) follow their spend; a closed one (approved,
    dismissed) keeps what it showed when it closed, and outside-IT spend that appears later
    for its (vendor, department) opens a new finding.
    """
    changed = fold_deltas(session)
    named = {v for v in vendor_ids if v is not None} | {v for v, _ in changed}
    result = RefreshResult()
    today = today or utcnow().date()
    currency = get_settings().reporting_currency
    unrecognised.refresh(session, candidates, today=today, currency=currency, result=result)
    if not named:
        return result
    vendors = sorted(named | _function_peers(session, named))
    for start in range(0, len(vendors), 500):
        chunk = vendors[start : start + 500]
        keys = None if full else {k for k in changed if k[0] in set(chunk)}
        _refresh_chunk(session, chunk, keys, today, currency, result)
    return result


def _live(stmt: Any) -> Any:
    return stmt.where(col(Finding.status).in_(LIVE_STATUSES))


def _function_peers(session: Session, vendors: set[int]) -> set[int]:
    """Vendors with live findings that do the same job as these vendors: sanctioning one of
    these may have changed their overlap reason (they are recomputed only if it did)."""
    slugs = session.exec(select(Vendor.slug).where(col(Vendor.id).in_(vendors))).all()
    codes = {f.code for f in map(functions_mod.of, slugs) if f is not None}
    if not codes:
        return set()
    stmt = (
        select(Finding.vendor_id)
        .join(Vendor, col(Vendor.id) == col(Finding.vendor_id))
        .where(
            col(Vendor.slug).in_(functions_mod.slugs_of(codes)),
            col(Finding.transaction_count) > 0,
        )
        .distinct()
    )
    return set(session.exec(_live(stmt)).all())


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


def _read_days(
    session: Session, vendors: list[int], keys: set[Key] | None, today: date
) -> tuple[dict[Key, list[Any]], dict[Key, list[tuple[date, int]]]]:
    """Per (vendor, department) with outside-IT rows: [count, total, first day, last day,
    reimbursed, resold, spend in the year to ``today``], and the charges per day (for the
    cadence). ``keys`` limits the read to those pairs; None reads every pair of ``vendors``."""
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
        return {}, defaultdict(list)
    stmt = stmt.order_by(days.vendor_id, days.department_key, days.day)
    return accumulate(session.connection().execute(stmt).all(), today)


def _refresh_chunk(
    session: Session,
    vendors: list[int],
    keys: set[Key] | None,
    today: date,
    currency: str,
    result: RefreshResult,
) -> None:
    """Recompute ``keys`` (every live finding of ``vendors`` when None), and any other live
    finding of these vendors whose vendor-wide signals moved."""
    model = severity.Model.from_settings()
    existing = {
        (f.vendor_id, f.department_id): f
        for f in session.exec(_live(select(Finding).where(col(Finding.vendor_id).in_(vendors))))
    }
    aggregates, charges = _read_days(session, vendors, keys, today)
    # Which departments buy each vendor: fresh for the pairs just read, and as the other
    # findings (current, since their rows did not change) record it.
    buying: dict[int, set[int | None]] = defaultdict(set)
    for vid, did in aggregates:
        buying[vid].add(did)
    if keys is not None:
        for (vid, did), f in existing.items():
            if (vid, did) not in keys and f.transaction_count > 0:
                buying[vid].add(did)
    first_seen = _first_seen(session, vendors)
    vendor_rows = {v.id: v for v in session.exec(select(Vendor).where(col(Vendor.id).in_(vendors)))}
    overlap = _sanctioned_overlap(session, vendor_rows)

    def vendor_facts(vid: int) -> severity.VendorFacts:
        vendor = vendor_rows.get(vid)
        job = functions_mod.of(vendor.slug if vendor else None)
        return severity.VendorFacts(
            departments=len(buying.get(vid, ())),
            overlap=tuple(overlap.get(vid, ())),
            function_label=job.label if job else None,
            category=vendor.category if vendor else None,
            first_seen=first_seen.get(vid),
        )

    facts_of = {vid: vendor_facts(vid) for vid in vendors}
    if keys is not None:
        # Another finding of a touched vendor is recomputed only if what the vendor says
        # about it (departments, overlap, first seen) reads differently now.
        stale: set[Key] = set()
        for key, f in existing.items():
            if key in keys or not f.transaction_count:
                continue
            wide = severity.vendor_reasons(facts_of[key[0]], today, model)
            if wide != severity.stored_vendor_reasons(f.severity_reasons or []):
                stale.add(key)
        if stale:
            more, more_charges = _read_days(session, vendors, stale, today)
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
    for key, agg in aggregates.items():
        vid, did = key
        seen.add(key)
        values = assess(agg, charges[key], facts_of[vid], today, currency, model)
        save(
            session,
            existing.get(key),
            values,
            {"vendor_id": vid, "department_id": did, "registration_id": registrations.get(key)},
            result,
        )
    for key, finding in existing.items():
        if key in seen or (keys is not None and key not in keys):
            continue
        retire(session, finding, result)
    session.flush()


def _sanctioned_overlap(
    session: Session, vendors: dict[int | None, Vendor]
) -> dict[int, list[str]]:
    """For each vendor: names of sanctioned tools (other vendors) that do the same job."""
    jobs = {
        vid: job.code
        for vid, vendor in vendors.items()
        if vid is not None and (job := functions_mod.of(vendor.slug)) is not None
    }
    if not jobs:
        return {}
    rows = session.execute(
        select(Vendor.id, Vendor.name, Vendor.slug)
        .join(SanctionedApp, col(SanctionedApp.vendor_id) == Vendor.id)
        .where(
            SanctionedApp.status == "active",
            col(Vendor.slug).in_(functions_mod.slugs_of(set(jobs.values()))),
        )
    ).all()
    by_job: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for vid, name, slug in rows:
        job = functions_mod.of(slug)
        if job is not None:
            by_job[job.code].add((vid, name))
    out: dict[int, list[str]] = {}
    for vid, code in jobs.items():
        names = sorted(n for other, n in by_job.get(code, ()) if other != vid)
        if names:
            out[vid] = names[:3]
    return out


def refresh_all(session: Session, *, today: date | None = None) -> RefreshResult:
    """Recompute every vendor's findings (after a policy change such as a new IT department,
    and daily: some reasons expire with the calendar alone)."""
    fold_deltas(session)
    day_vendors = session.exec(select(FindingDay.vendor_id).distinct()).all()
    finding_vendors = session.exec(_live(select(Finding.vendor_id)).distinct()).all()
    return refresh(
        session, [*day_vendors, *finding_vendors], today=today, full=True, candidates=None
    )


def reread_legacy(session: Session, *, today: date | None = None) -> bool:
    """Re-read every finding when a live one still carries reasons recorded before they were
    structured (migration 0010); returns whether it did. ``shadowspend migrate`` calls it."""
    stmt = _live(select(Finding.severity_reasons))
    for reasons in session.exec(stmt):
        if any(r.get("code") == "legacy" for r in reasons or []):
            refresh_all(session, today=today)
            return True
    return False
