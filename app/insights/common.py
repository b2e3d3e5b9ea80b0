"""What the insights (subscriptions, renewals, redundancy) share: the software charges they
read, the references they answer with, and the answers kept while nothing behind them changed."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import TypeVar, cast

from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import Session, col

from app.feeds import rollup
from app.models import Transaction


class VendorRef(BaseModel):
    id: int
    name: str
    category: str | None


class DepartmentRef(BaseModel):
    id: int | None
    name: str | None


# (vendor id, department id). A plain tuple: building, hashing and comparing a frozen
# dataclass key per row cost ~0.6 s of a 2 s answer at a million transactions.
Key = tuple[int, int | None]


def charges(
    session: Session, since: date, department_id: int | None, *, until: date | None = None
) -> dict[Key, list[tuple[date, int, bool]]]:
    """Per (vendor, department): the software charges from ``since`` (to ``until``, both
    included) in the reporting currency, as (day, amount, outside IT). Removed rows,
    cross-source duplicates and rows not yet converted are left out."""
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
    if until is not None:
        stmt = stmt.where(col(Transaction.transaction_date) <= until)
    if department_id is not None:
        stmt = stmt.where(col(Transaction.department_id) == department_id)
    out: dict[Key, list[tuple[date, int, bool]]] = defaultdict(list)
    for vid, did, day, amount, outside in session.execute(stmt):
        out[(vid, did)].append((day, amount, outside))
    return out


# Recent answers, per (what changed last, day, filters): reading a year of software rows costs
# ~2 s at a million transactions, and the dashboard asks on every visit. Answers are shared
# between callers: never modified after they are kept.
_CACHE: dict[tuple[object, ...], object] = {}
_T = TypeVar("_T")
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 32
_AUDIT_HEAD = "SELECT max(id) FROM audit_events"


def version(session: Session) -> tuple[object, ...] | None:
    """What the insights depend on, as comparable values; ``None`` when the rollups have work
    pending (their generation does not yet reflect the newest transactions).

    The spend generation moves with every transaction change the feeds see; the newest
    audit event with every change to vendors, departments and the sanctioned inventory (all
    audited)."""
    if rollup.pending(session):
        return None
    audit = session.connection().exec_driver_sql(_AUDIT_HEAD).scalar()
    return (rollup.generation(session), audit)


def cached(session: Session, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    """``compute()``, or the answer kept for ``key`` while :func:`version` is unchanged."""
    current = version(session)
    if current is None:
        return compute()
    full = (current, *key)
    with _CACHE_LOCK:
        hit = _CACHE.get(full)
    if hit is None:
        hit = compute()
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.clear()
            _CACHE[full] = hit
    return cast(_T, hit)


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()
