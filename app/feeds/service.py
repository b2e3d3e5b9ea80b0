"""Spend feeds for finance: reporting-currency totals grouped any way, in one GROUP BY query.

Every amount is a sum of ``transactions.reporting_amount_minor`` over exactly the rows
``GET /api/v1/transactions`` lists under the same filter (the filter is the transactions
service's own :func:`~app.transactions.service.apply_filter`), so a feed reconciles to the
cent with the transactions behind it. A row without a reporting amount yet (no rate known for
its currency and date) is never summed and never dropped: it is counted in
``unconverted_count``.

Split: ``sanctioned`` = software not bought outside IT, ``outside_it`` = software bought
outside IT, ``not_software`` = everything else; ``total`` is their sum.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, and_, case, cast, func, not_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app import csvsafe
from app.config import get_settings
from app.db import UTCDateTime
from app.errors import Unprocessable
from app.feeds import rollup
from app.models import Department, Transaction, Vendor
from app.transactions import service as transactions_service
from app.transactions.service import TransactionFilter
from connectors.money import format_minor

FEED_VERSION = "spend-v1"  # part of the ETag: bump when the columns or their meaning change

# Canonical order: columns and sorting follow it whatever order `group_by` names them in.
GROUPS: tuple[str, ...] = ("department", "category", "vendor", "month", "quarter")
GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    "department": ("department_id", "department_name"),
    "category": ("category",),
    "vendor": ("vendor_id", "vendor_name"),
    "month": ("month",),
    "quarter": ("quarter",),
}
SPLITS: tuple[str, ...] = ("sanctioned", "outside_it", "not_software", "total")
METRIC_COLUMNS: tuple[str, ...] = (
    "reporting_currency",
    *(c for s in SPLITS for c in (f"{s}_minor", s)),
    "transaction_count",
    "unconverted_count",
)
# Free-text cells that a spreadsheet could read as a formula are neutralised in CSV.
_TEXT_COLUMNS = frozenset({"department_name", "category", "vendor_name"})


def parse_group_by(text: str | None) -> tuple[str, ...]:
    """``"vendor,month"`` -> ``("vendor", "month")`` in canonical order. Empty: one row with the
    grand total. Raises :class:`~app.errors.Unprocessable` for an unknown or repeated name."""
    if text is None or not text.strip():
        return ()
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in GROUPS]
    if unknown:
        raise Unprocessable(
            f"cannot group by {', '.join(unknown)}; choose from {', '.join(GROUPS)}"
        )
    if len(set(names)) != len(names):
        raise Unprocessable("group_by names a column twice")
    return tuple(g for g in GROUPS if g in names)


def columns_for(group_by: Sequence[str]) -> list[str]:
    return [c for g in group_by for c in GROUP_COLUMNS[g]] + list(METRIC_COLUMNS)


@dataclass(frozen=True, slots=True)
class SpendFeed:
    reporting_currency: str
    date_from: date | None
    date_to: date | None
    group_by: tuple[str, ...]
    columns: list[str]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    # Newest updated_at among the rows behind the feed (None when there are none).
    last_modified: datetime | None
    etag: str  # strong, quoted, for the representation in `fmt`

    def as_json(self) -> dict[str, Any]:
        return {
            "reporting_currency": self.reporting_currency,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "group_by": list(self.group_by),
            "columns": self.columns,
            "rows": self.rows,
            "totals": self.totals,
        }


def _month(day: Any, dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def _quarter(day: Any, dialect: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        return func.to_char(day, 'YYYY-"Q"Q')
    quarter = (cast(func.strftime("%m", day), Integer()) + 2) // 3
    return func.strftime("%Y", day).concat("-Q").concat(cast(quarter, String()))


def feed_statement(
    flt: TransactionFilter, group_by: Sequence[str], reporting: str, dialect: str
) -> Select[Any]:
    """The feed's one SQL statement: group columns, then sanctioned, outside_it and not_software
    sums, row count, unconverted count and newest ``updated_at``, over exactly the rows
    :func:`app.transactions.service.apply_filter` selects.

    Two levels: the inner level is partial sums by day, department, software, outside IT and
    reporting currency (plus vendor and category when asked), read from the spend rollups
    whenever they hold what the filter selects on (:func:`app.feeds.rollup.spend_source`);
    the outer level groups those as asked with CASE sums. On Postgres a filter the rollups
    cannot answer (text, connection, channel, duplicates) is one GROUP BY over transactions
    (a hash aggregate); SQLite, with no hash aggregate, keeps the two levels and reads the
    inner one through ``ix_transactions_feed`` in order, without a sort.
    """
    if dialect == "postgresql" and not rollup.rollup_answers(flt):
        return _one_level(flt, group_by, reporting, dialect)
    detail = bool(rollup.DETAIL_GROUPS & set(group_by))
    d = rollup.spend_source(flt, detail=detail).c
    keys: dict[str, Any] = {
        "department": lambda: d.department,
        "category": lambda: d.category,
        "vendor": lambda: d.vendor,
        "month": lambda: _month(d.day, dialect),
        "quarter": lambda: _quarter(d.day, dialect),
    }
    # n_amount counts rows with an amount; in the reporting currency they are converted.
    converted = d.currency == reporting
    group_exprs = [keys[g]().label(g) for g in group_by]
    stmt = sa_select(
        *group_exprs,
        func.sum(case((and_(converted, d.software, not_(d.outside)), d.amount), else_=0)),
        func.sum(case((and_(converted, d.software, d.outside), d.amount), else_=0)),
        func.sum(case((and_(converted, not_(d.software)), d.amount), else_=0)),
        func.sum(d.n),
        func.sum(d.n) - func.sum(case((converted, d.n_amount), else_=0)),
        func.max(d.updated),
    )
    if group_exprs:
        stmt = stmt.group_by(*group_exprs)
    return stmt


def _one_level(
    flt: TransactionFilter, group_by: Sequence[str], reporting: str, dialect: str
) -> Select[Any]:
    t = Transaction
    where = transactions_service.apply_filter(select(t), flt).whereclause
    amount = col(t.reporting_amount_minor)
    converted = and_(amount.is_not(None), col(t.reporting_currency) == reporting)
    software, outside = col(t.is_software), col(t.outside_it)
    day = col(t.transaction_date)
    keys: dict[str, Any] = {
        "department": lambda: col(t.department_id),
        "category": lambda: col(t.category),
        "vendor": lambda: col(t.vendor_id),
        "month": lambda: _month(day, dialect),
        "quarter": lambda: _quarter(day, dialect),
    }
    group_exprs = [keys[g]().label(g) for g in group_by]
    stmt = sa_select(
        *group_exprs,
        func.sum(case((and_(converted, software, not_(outside)), amount), else_=0)),
        func.sum(case((and_(converted, software, outside), amount), else_=0)),
        func.sum(case((and_(converted, not_(software)), amount), else_=0)),
        func.count(),
        func.sum(case((converted, 0), else_=1)),
        func.max(col(t.updated_at), type_=UTCDateTime),
    ).select_from(t)
    if where is not None:
        stmt = stmt.where(where)
    if group_exprs:
        stmt = stmt.group_by(*group_exprs)
    return stmt


def spend_feed(
    session: Session,
    flt: TransactionFilter,
    group_by: Sequence[str],
    *,
    fmt: str = "json",
    checkpoint: Callable[[], None],
) -> SpendFeed:
    """Spend under ``flt`` grouped by ``group_by`` (canonical names, see :func:`parse_group_by`).

    One SQL statement (:func:`feed_statement`); department and vendor names are looked up
    afterwards for the ids found. Amounts are integer minor units of the reporting currency
    plus decimal strings. Rows are sorted by the group columns (names, then periods), None
    last. Commits only through ``checkpoint`` (the owner's commit), to bring the spend
    rollups up to date first (:func:`app.feeds.rollup.ensure_fresh`). Raises
    :class:`~app.errors.Unprocessable` when ``from`` is after ``to``.
    """
    reporting = get_settings().reporting_currency
    rollup.ensure_fresh(session, checkpoint)
    stmt = feed_statement(flt, group_by, reporting, session.get_bind().dialect.name)
    result = session.execute(stmt).all()

    n = len(group_by)
    dept_ids = (
        {r[group_by.index("department")] for r in result} if "department" in group_by else set()
    )
    vendor_ids = {r[group_by.index("vendor")] for r in result} if "vendor" in group_by else set()
    dept_names = _names(session, Department, dept_ids)
    vendor_names = _names(session, Vendor, vendor_ids)

    rows: list[dict[str, Any]] = []
    last_modified: datetime | None = None
    grand = [0, 0, 0, 0, 0]  # sanctioned, outside_it, not_software, count, unconverted
    for r in result:
        count = int(r[n + 3] or 0)
        if count == 0:  # the ungrouped aggregate over no rows
            continue
        row: dict[str, Any] = {}
        for i, g in enumerate(group_by):
            value = r[i]
            if g == "department":
                row["department_id"] = value
                row["department_name"] = dept_names.get(value)
            elif g == "vendor":
                row["vendor_id"] = value
                row["vendor_name"] = vendor_names.get(value)
            else:
                row[g] = value
        sums = [int(r[n] or 0), int(r[n + 1] or 0), int(r[n + 2] or 0)]
        unconverted = int(r[n + 4] or 0)
        row.update(_metrics(reporting, sums, count, unconverted))
        rows.append(row)
        for j, v in enumerate([*sums, count, unconverted]):
            grand[j] += v
        newest = r[n + 5]
        if newest is not None and (last_modified is None or newest > last_modified):
            last_modified = newest
    rows.sort(key=lambda row: _sort_key(row, group_by))
    totals = _metrics(reporting, grand[:3], grand[3], grand[4])
    columns = columns_for(group_by)
    etag = _etag(reporting, flt, group_by, fmt, rows, last_modified)
    return SpendFeed(
        reporting_currency=reporting,
        date_from=flt.date_from,
        date_to=flt.date_to,
        group_by=tuple(group_by),
        columns=columns,
        rows=rows,
        totals=totals,
        last_modified=last_modified,
        etag=etag,
    )


def _names(
    session: Session, model: type[Department] | type[Vendor], ids: set[Any]
) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    stmt = sa_select(col(model.id), col(model.name)).where(col(model.id).in_(wanted))
    return {int(i): str(name) for i, name in session.execute(stmt)}


def _metrics(reporting: str, sums: list[int], count: int, unconverted: int) -> dict[str, Any]:
    sanctioned, outside, not_software = sums
    total = sanctioned + outside + not_software
    out: dict[str, Any] = {"reporting_currency": reporting}
    for name, minor in zip(SPLITS, (sanctioned, outside, not_software, total), strict=True):
        out[f"{name}_minor"] = minor
        out[name] = format_minor(minor, reporting)
    out["transaction_count"] = count
    out["unconverted_count"] = unconverted
    return out


def _sort_key(row: dict[str, Any], group_by: Sequence[str]) -> tuple[Any, ...]:
    parts: list[Any] = []
    for g in group_by:
        if g == "department":
            value: Any = row["department_name"] or ""
            parts += [row["department_id"] is None, value.lower(), row["department_id"] or 0]
        elif g == "vendor":
            value = row["vendor_name"] or ""
            parts += [row["vendor_id"] is None, value.lower(), row["vendor_id"] or 0]
        else:
            parts += [row[g] is None, row[g] or ""]
    return tuple(parts)


def _etag(
    reporting: str,
    flt: TransactionFilter,
    group_by: Sequence[str],
    fmt: str,
    rows: list[dict[str, Any]],
    last_modified: datetime | None,
) -> str:
    # The query, the newest change and count under it, and the answer itself (so a renamed
    # department or vendor changes it too).
    digest = hashlib.sha256()
    query = {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(flt).items()}
    count = sum(r["transaction_count"] for r in rows)
    head = [FEED_VERSION, reporting, query, list(group_by), fmt, count, str(last_modified)]
    digest.update(json.dumps(head, sort_keys=True, default=str).encode())
    digest.update(json.dumps(rows, sort_keys=True, default=str).encode())
    return f'"{digest.hexdigest()[:32]}"'


def to_csv(feed: SpendFeed) -> bytes:
    """UTF-8 with a BOM, CRLF line ends, a header row of ``feed.columns``, decimal strings with
    a dot, empty cells for None. No totals row (sum the rows, or use the JSON ``totals``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(feed.columns)
    for row in feed.rows:
        writer.writerow([_csv_cell(c, row.get(c)) for c in feed.columns])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def _csv_cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return csvsafe.neutralise(text) if column in _TEXT_COLUMNS else text


def ndjson_lines(feed: SpendFeed) -> Iterator[bytes]:
    """One JSON object per row (keys in ``feed.columns`` order), each ending with ``\\n``."""
    for row in feed.rows:
        ordered = {c: row.get(c) for c in feed.columns}
        yield (json.dumps(ordered, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
