"""Keep the spend rollups current, and pick the cheapest exact source for a spend query.

Triggers (migration 0005) mark each (month, department) whose transactions changed in
``spend_dirty`` (on SQLite, new rows are instead those above the ``spend`` watermark).
:func:`refresh` claims the marks and recomputes exactly those pairs in both rollups from
``transactions``; :func:`ensure_fresh` runs it before a read when anything is pending, so a
feed never answers from a stale rollup whatever wrote the change.

:func:`spend_source` returns the feed's inner level — partial sums by day, department,
software, outside IT and reporting currency (plus vendor and category when asked) — from
the best source that answers the filter exactly:

* ``spend_daily`` for department / month / quarter groupings (any period, to the day);
* ``spend_monthly`` for whole months when vendor or category is needed, with the partial
  months at either end of the period read from ``transactions``;
* ``transactions`` themselves when the filter names something no rollup keeps (text,
  connection, channel, duplicates included).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Subquery,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    union_all,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy import text as sa_text
from sqlmodel import Session, col, select

from app.db import UTCDateTime
from app.models import SpendDaily, SpendDirty, SpendMonthly, Transaction, TransactionWatermark
from app.transactions import service as transactions_service
from app.transactions.service import TransactionFilter

WATERMARK = "spend"  # this consumer's row in transaction_watermarks (SQLite)
# A counter, kept in the same table (its last_id column): bumped by every refresh that found
# work, so "nothing changed in transactions since" is one primary-key read (see generation).
GENERATION = "spend-generation"
# Serialises refreshes on Postgres (SQLite has one writer anyway).
_PG_LOCK_KEY = 0x5EED5EED


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _max_id(session: Session) -> int:
    return int(session.execute(sa_select(func.max(col(Transaction.id)))).scalar() or 0)


def _watermark(session: Session) -> int:
    return int(
        session.execute(
            sa_select(col(TransactionWatermark.last_id)).where(
                col(TransactionWatermark.name) == WATERMARK
            )
        ).scalar()
        or 0
    )


def pending(session: Session) -> bool:
    if session.execute(select(SpendDirty.id).limit(1)).first() is not None:
        return True
    if session.get_bind().dialect.name == "postgresql":
        return False
    return _max_id(session) > _watermark(session)


def generation(session: Session) -> int:
    """Changes whenever a refresh recomputed anything, i.e. whenever a transaction was added,
    removed, or changed in a column the feeds read (date, department, amount, vendor,
    category, software, outside IT, duplicate, removal). Only meaningful once the rollups
    are fresh: check :func:`pending` first. Lets derived views (subscriptions) cache safely."""
    value = session.execute(
        sa_select(col(TransactionWatermark.last_id)).where(
            col(TransactionWatermark.name) == GENERATION
        )
    ).scalar()
    return int(value or 0)


def _bump_generation(session: Session) -> None:
    # Refreshes are serialised (SQLite's write lock, an advisory lock on Postgres), so the
    # row can be created on first use without a race.
    table = TransactionWatermark.__table__  # type: ignore[attr-defined]
    done = session.execute(
        update(table).where(table.c.name == GENERATION).values(last_id=table.c.last_id + 1)
    )
    if not getattr(done, "rowcount", 0):
        session.execute(insert(table).values(name=GENERATION, last_id=1))


def ensure_fresh(session: Session, checkpoint: Callable[[], None]) -> int:
    """Refresh the rollups if anything is marked. Returns the pairs recomputed.

    ``checkpoint`` is the owner's commit, called before the refresh (the read transaction in
    progress ends, so on SQLite the refresh's first statement takes the write lock, waiting
    for another writer if needed, rather than trying to upgrade a read snapshot) and after it
    (the refresh is stored and the lock released at once). Nothing else here commits."""
    if not pending(session):
        return 0
    checkpoint()
    done = refresh(session)
    checkpoint()
    return done


def _department_in(column: Any, keys: Iterable[int]) -> ColumnElement[bool]:
    keys = set(keys)
    ids = sorted(k for k in keys if k)
    parts: list[ColumnElement[bool]] = []
    if ids:
        parts.append(column.in_(ids))
    if 0 in keys:
        parts.append(column.is_(None))
    return or_(*parts) if parts else false()


def refresh(session: Session) -> int:
    """Claim every mark and recompute those (month, department) pairs. Does not commit."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(sa_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    # The first statement writes, so on SQLite the refresh holds the write lock from here on.
    claimed: list[tuple[date, int]] = [
        (month, int(key))
        for month, key in session.execute(
            delete(SpendDirty).returning(col(SpendDirty.month), col(SpendDirty.department_key))
        )
    ]
    if bind.dialect.name != "postgresql":
        claimed += _new_rows_since_watermark(session)
    if claimed:
        _bump_generation(session)
    by_month: dict[date, set[int]] = defaultdict(set)
    for month, key in claimed:
        by_month[month_start(month)].add(int(key))
    t = Transaction
    amount = col(t.reporting_amount_minor)
    sums = (
        func.coalesce(func.sum(amount), 0),
        func.count(),
        func.count(amount),
        func.max(col(t.updated_at), type_=UTCDateTime),
    )
    metrics = ("amount_minor", "transaction_count", "converted_count", "updated_at")
    pairs = 0
    for month, keys in sorted(by_month.items()):
        pairs += len(keys)
        end = next_month(month)
        session.execute(
            delete(SpendDaily).where(
                col(SpendDaily.day) >= month,
                col(SpendDaily.day) < end,
                _department_in(col(SpendDaily.department_id), keys),
            )
        )
        session.execute(
            delete(SpendMonthly).where(
                col(SpendMonthly.month) == month,
                _department_in(col(SpendMonthly.department_id), keys),
            )
        )
        where = (
            col(t.transaction_date) >= month,
            col(t.transaction_date) < end,
            col(t.removed_at).is_(None),
            col(t.duplicate_of_id).is_(None),
            col(t.kind) == "purchase",
            _department_in(col(t.department_id), keys),
        )
        daily_keys = (
            col(t.transaction_date),
            col(t.department_id),
            col(t.is_software),
            col(t.outside_it),
            col(t.reporting_currency),
        )
        session.execute(
            insert(SpendDaily).from_select(
                [
                    "day",
                    "department_id",
                    "is_software",
                    "outside_it",
                    "reporting_currency",
                    *metrics,
                ],
                sa_select(*daily_keys, *sums).where(*where).group_by(*daily_keys),
            )
        )
        monthly_keys = (
            col(t.department_id),
            col(t.vendor_id),
            col(t.category),
            col(t.is_software),
            col(t.outside_it),
            col(t.reporting_currency),
        )
        session.execute(
            insert(SpendMonthly).from_select(
                [
                    "month",
                    "department_id",
                    "vendor_id",
                    "category",
                    "is_software",
                    "outside_it",
                    "reporting_currency",
                    *metrics,
                ],
                sa_select(literal(month, Date()), *monthly_keys, *sums)
                .where(*where)
                .group_by(*monthly_keys),
            )
        )
    return pairs


def _new_rows_since_watermark(session: Session) -> list[tuple[date, int]]:
    """SQLite: the (month, department) pairs of rows inserted since the last refresh (ids
    above the watermark), and the watermark moved up to the newest row."""
    last, top = _watermark(session), _max_id(session)
    if top <= last:
        return []
    t = Transaction
    rows = session.execute(
        sa_select(col(t.transaction_date), func.coalesce(col(t.department_id), 0))
        .where(col(t.id) > last)
        .group_by(col(t.transaction_date), col(t.department_id))
    ).all()
    session.execute(
        update(TransactionWatermark)
        .where(col(TransactionWatermark.name) == WATERMARK)
        .values(last_id=top)
    )
    return [(month_start(day), int(key)) for day, key in rows]


# -- reading ----------------------------------------------------------------------------------

DETAIL_GROUPS = frozenset({"vendor", "category"})


def rollup_answers(flt: TransactionFilter) -> bool:
    """Whether the rollups hold everything the filter selects on."""
    return not (
        flt.q
        or flt.connection_id is not None
        or flt.channel
        or flt.include_duplicates
        or flt.kind != "purchase"  # the rollups sum spend only
    )


def spend_source(flt: TransactionFilter, *, detail: bool) -> Subquery:
    """The feed's inner level for ``flt`` as a subquery with columns ``day, department,
    software, outside, currency, amount, n, n_amount, updated`` (plus ``vendor, category``
    when ``detail``). Raises :class:`~app.errors.Unprocessable` for ``from`` after ``to``."""
    transactions_service.apply_filter(select(Transaction), flt)  # validates the period
    if not rollup_answers(flt):
        stmt = raw_source(flt, detail=detail)
    elif not detail and flt.vendor_id is None and not flt.category:
        stmt = _daily_source(flt)
    else:
        stmt = _monthly_source(flt, detail=detail)
    subquery: Subquery = stmt.subquery("spend")
    return subquery


def raw_source(flt: TransactionFilter, *, detail: bool) -> Any:
    t = Transaction
    where = transactions_service.apply_filter(select(t), flt).whereclause
    keys: list[Any] = [
        col(t.transaction_date).label("day"),
        col(t.department_id).label("department"),
        col(t.is_software).label("software"),
        col(t.outside_it).label("outside"),
        col(t.reporting_currency).label("currency"),
    ]
    if detail:
        keys += [col(t.vendor_id).label("vendor"), col(t.category).label("category")]
    amount = col(t.reporting_amount_minor)
    stmt = sa_select(
        *keys,
        func.sum(amount).label("amount"),
        func.count().label("n"),
        func.count(amount).label("n_amount"),
        func.max(col(t.updated_at), type_=UTCDateTime).label("updated"),
    ).select_from(t)
    if where is not None:
        stmt = stmt.where(where)
    return stmt.group_by(*[k.element for k in keys])


def _common_where(table: Any, flt: TransactionFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if flt.department_id is not None:
        where.append(table.department_id == flt.department_id)
    if flt.is_software is not None:
        where.append(table.is_software == flt.is_software)
    if flt.outside_it is not None:
        where.append(table.outside_it == flt.outside_it)
    return where


def _metrics(table: Any) -> list[Any]:
    return [
        table.amount_minor.label("amount"),
        table.transaction_count.label("n"),
        table.converted_count.label("n_amount"),
        table.updated_at.label("updated"),
    ]


def _daily_source(flt: TransactionFilter) -> Any:
    d = SpendDaily.__table__.c  # type: ignore[attr-defined]
    where = _common_where(d, flt)
    if flt.date_from:
        where.append(d.day >= flt.date_from)
    if flt.date_to:
        where.append(d.day <= flt.date_to)
    return sa_select(
        d.day.label("day"),
        d.department_id.label("department"),
        d.is_software.label("software"),
        d.outside_it.label("outside"),
        d.reporting_currency.label("currency"),
        *_metrics(d),
    ).where(*where)


def whole_months(flt: TransactionFilter) -> tuple[date | None, date | None]:
    """``[first, end)``: the whole months inside the period (None: unbounded on that side)."""
    first = flt.date_from
    if first is not None and first.day != 1:
        first = next_month(first)
    end = None if flt.date_to is None else month_start(flt.date_to + timedelta(days=1))
    return first, end


def _monthly_source(flt: TransactionFilter, *, detail: bool) -> Any:
    m = SpendMonthly.__table__.c  # type: ignore[attr-defined]
    first, end = whole_months(flt)
    parts: list[Any] = []
    if first is not None and end is not None and first >= end:
        # No whole month inside the period: every row comes from transactions.
        return raw_source(flt, detail=detail)
    where = _common_where(m, flt)
    if flt.vendor_id is not None:
        where.append(m.vendor_id == flt.vendor_id)
    if flt.category:
        where.append(m.category == flt.category)
    if first is not None:
        where.append(m.month >= first)
    if end is not None:
        where.append(m.month < end)
    keys = [
        m.month.label("day"),
        m.department_id.label("department"),
        m.is_software.label("software"),
        m.outside_it.label("outside"),
        m.reporting_currency.label("currency"),
    ]
    if detail:
        keys += [m.vendor_id.label("vendor"), m.category.label("category")]
    parts.append(sa_select(*keys, *_metrics(m)).where(*where))
    # The partial months at either end come from transactions (through the date index).
    if flt.date_from is not None and first is not None and flt.date_from < first:
        head = replace(flt, date_to=first - timedelta(days=1))
        parts.append(raw_source(head, detail=detail))
    if flt.date_to is not None and end is not None and flt.date_to >= end:
        tail = replace(flt, date_from=end)
        parts.append(raw_source(tail, detail=detail))
    if len(parts) == 1:
        return parts[0]
    return union_all(*parts)
