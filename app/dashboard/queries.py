"""What the dashboard pages show, gathered server-side from the domain services.

Every figure comes from the same services the API uses (spend from
:func:`app.feeds.service.spend_feed`, findings from :mod:`app.findings.service`, subscriptions
and redundancy from :mod:`app.insights`), under the caller's
department scope, so the dashboard and the API never disagree. Amounts stay integer minor units
of the reporting currency; the templates and the charts format them.

Each chart is a plain dict (:class:`Chart`) that the page embeds as JSON for the chart script
and renders as a ``<table>`` for everyone else; every bar and row carries the URL of its
drill-down (``/transactions?...``) listing exactly the transactions behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.auth.principal import Principal
from app.config import get_settings
from app.dashboard import labels
from app.feeds import rollup
from app.feeds import service as feeds_service
from app.insights import redundancy as redundancy_service
from app.insights import renewals as renewals_service
from app.insights import service as insights_service
from app.models import Department
from app.periods import Period
from app.transactions.service import TransactionFilter
from connectors.money import exponent

TOP_VENDORS = 10


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    key: str  # sanctioned | outside_it | not_software: also the CSS/colour key
    values: list[int]  # minor units, one per category
    links: list[str | None]  # drill-down URL per category (None: nothing to drill into)


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    description: str  # one sentence for screen readers (the plot's aria-label)
    orientation: str  # "v" (categories along x) or "h" (categories down y)
    category_label: str
    categories: list[str]
    series: list[Series]
    currency: str
    exponent: int

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "orientation": self.orientation,
            "categories": self.categories,
            "series": [
                {"name": s.name, "key": s.key, "values": s.values, "links": s.links}
                for s in self.series
            ],
            "currency": self.currency,
            "exponent": self.exponent,
        }

    @property
    def rows(self) -> list[tuple[str, list[tuple[int, str | None]]]]:
        """Table rows: category, then (minor, link) per series."""
        return [
            (cat, [(s.values[i], s.links[i]) for s in self.series])
            for i, cat in enumerate(self.categories)
        ]


def transactions_url(flt: TransactionFilter, **extra: Any) -> str:
    """The drill-down URL listing the rows under ``flt`` narrowed by ``extra`` (same names as
    ``GET /api/v1/transactions``: ``from``, ``to``, ``department_id``, ``vendor_id``,
    ``category``, ``is_software``, ``outside_it``)."""
    params: dict[str, Any] = {
        "from": flt.date_from,
        "to": flt.date_to,
        "department_id": flt.department_id,
        "vendor_id": flt.vendor_id,
        "category": flt.category,
        "is_software": flt.is_software,
        "outside_it": flt.outside_it,
    }
    params.update(extra)
    clean = {
        k: (str(v).lower() if isinstance(v, bool) else str(v))
        for k, v in params.items()
        if v is not None
    }
    return "/transactions" + ("?" + urlencode(clean) if clean else "")


def _month_bounds(month: str) -> tuple[date, date]:
    year, mon = (int(p) for p in month.split("-"))
    first = date(year, mon, 1)
    nxt = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def _clip(flt: TransactionFilter, first: date, last: date) -> tuple[date, date]:
    # A month bar's drill-down stays inside the period the chart was drawn for.
    lo = max(first, flt.date_from) if flt.date_from else first
    hi = min(last, flt.date_to) if flt.date_to else last
    return lo, hi


def _department_names(session: Session, ids: set[Any]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    stmt = sa_select(col(Department.id), col(Department.name)).where(col(Department.id).in_(wanted))
    return {int(i): str(name) for i, name in session.execute(stmt)}


SOFTWARE_SPLITS = (("Sanctioned", "sanctioned", False), ("Outside IT", "outside_it", True))


@dataclass(frozen=True, slots=True)
class Overview:
    flt: TransactionFilter
    currency: str
    exponent: int
    totals: dict[str, Any]
    charts: list[Chart]
    links: dict[str, str]  # drill-downs of the totals: sanctioned, outside_it, not_software, all


def _month_expr(day: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def _cube(session: Session, flt: TransactionFilter) -> list[Any]:
    """Spend under ``flt`` by (month, department, category, is_software, outside_it): one query
    over the spend rollups (the same inner level as the spend feed, see
    :func:`app.feeds.rollup.spend_source`) that the month, department and category charts and
    the totals are all summed from. Same rows and the same conversion rule as the spend feed
    (rows without a reporting amount are counted as unconverted and summed nowhere)."""
    reporting = get_settings().reporting_currency
    rollup.ensure_fresh(session, session.commit)
    d = rollup.spend_source(flt, detail=True).c
    month = _month_expr(d.day, session.get_bind().dialect.name)
    converted = d.currency == reporting
    keys = (month, d.department, d.category, d.software, d.outside)
    stmt = sa_select(
        *keys,
        func.sum(case((converted, d.amount), else_=0)),
        func.sum(d.n),
        func.sum(d.n) - func.sum(case((converted, d.n_amount), else_=0)),
    )
    return list(session.execute(stmt.group_by(*keys)).all())


def _split(is_software: bool, outside_it: bool) -> str:
    if not is_software:
        return "not_software"
    return "outside_it" if outside_it else "sanctioned"


def _empty_metrics() -> dict[str, Any]:
    return {
        "sanctioned_minor": 0,
        "outside_it_minor": 0,
        "not_software_minor": 0,
        "total_minor": 0,
        "transaction_count": 0,
        "unconverted_count": 0,
    }


def overview(session: Session, flt: TransactionFilter) -> Overview:
    """Spend over time (software: sanctioned vs outside IT), by department, by category and the
    top outside-IT vendors, for the (already scoped) filter ``flt``. Two queries: one GROUP BY
    for months, departments, categories and totals, one (the spend feed) for vendors.

    Every figure equals what ``GET /api/v1/feeds/spend`` answers for the same filter
    (``is_software=true`` and the matching ``group_by``); the tests hold it to that."""
    currency = get_settings().reporting_currency
    exp = exponent(currency)
    grouped: dict[str, dict[Any, dict[str, Any]]] = {
        "month": {},
        "department": {},
        "category": {},
    }
    totals = _empty_metrics()
    for month_key, dept_id, category, is_software, outside_it, minor, count, unconverted in _cube(
        session, flt
    ):
        split = _split(bool(is_software), bool(outside_it))
        targets = [totals]
        if is_software:
            for name, key in (
                ("month", month_key),
                ("department", dept_id),
                ("category", category),
            ):
                targets.append(grouped[name].setdefault(key, {name: key, **_empty_metrics()}))
        for target in targets:
            target[f"{split}_minor"] += int(minor or 0)
            target["total_minor"] += int(minor or 0)
            target["transaction_count"] += int(count)
            target["unconverted_count"] += int(unconverted or 0)
    totals["reporting_currency"] = currency
    dept_names = _department_names(session, set(grouped["department"]))
    for dept_id, row in grouped["department"].items():
        row["department_id"] = dept_id
        row["department_name"] = dept_names.get(dept_id) if dept_id is not None else None

    outside = replace(flt, is_software=True, outside_it=True)
    by_vendor = feeds_service.spend_feed(session, outside, ("vendor",), checkpoint=session.commit)

    def split_series(rows: list[dict[str, Any]], link: Any) -> list[Series]:
        return [
            Series(
                name=name,
                key=key,
                values=[int(r[f"{key}_minor"]) for r in rows],
                links=[link(r, outside_flag) for r in rows],
            )
            for name, key, outside_flag in SOFTWARE_SPLITS
        ]

    def month_link(row: dict[str, Any], outside_flag: bool) -> str:
        lo, hi = _clip(flt, *_month_bounds(str(row["month"])))
        return transactions_url(
            flt, **{"from": lo, "to": hi, "is_software": True, "outside_it": outside_flag}
        )

    def dept_link(row: dict[str, Any], outside_flag: bool) -> str | None:
        if row["department_id"] is None:
            return None  # the list cannot filter on "no department"
        return transactions_url(
            flt, department_id=row["department_id"], is_software=True, outside_it=outside_flag
        )

    def cat_link(row: dict[str, Any], outside_flag: bool) -> str | None:
        if row["category"] is None:
            return None
        return transactions_url(
            flt, category=row["category"], is_software=True, outside_it=outside_flag
        )

    def software_minor(row: dict[str, Any]) -> int:
        return int(row["sanctioned_minor"]) + int(row["outside_it_minor"])

    months = sorted(
        (r for r in grouped["month"].values() if r["month"] is not None),
        key=lambda r: str(r["month"]),
    )
    depts = sorted(
        grouped["department"].values(),
        key=lambda r: (-software_minor(r), str(r["department_name"] or "~")),
    )
    cats = sorted(
        grouped["category"].values(),
        key=lambda r: (-software_minor(r), str(r["category"] or "~")),
    )
    vendors = sorted(
        (r for r in by_vendor.rows if r["vendor_id"] is not None),
        key=lambda r: (-int(r["outside_it_minor"]), str(r["vendor_name"] or "")),
    )[:TOP_VENDORS]

    charts = [
        Chart(
            id="spend-over-time",
            title="Software spend over time",
            description="Monthly software spend, sanctioned versus bought outside IT.",
            orientation="v",
            category_label="Month",
            categories=[str(r["month"]) for r in months],
            series=split_series(months, month_link),
            currency=currency,
            exponent=exp,
        ),
        Chart(
            id="spend-by-department",
            title="Software spend by department",
            description="Software spend per department, sanctioned versus outside IT.",
            orientation="h",
            category_label="Department",
            categories=[str(r["department_name"] or "No department") for r in depts],
            series=split_series(depts, dept_link),
            currency=currency,
            exponent=exp,
        ),
        Chart(
            id="spend-by-category",
            title="Software spend by category",
            description="Software spend per category, sanctioned versus outside IT.",
            orientation="h",
            category_label="Category",
            categories=[labels.category(r["category"]) for r in cats],
            series=split_series(cats, cat_link),
            currency=currency,
            exponent=exp,
        ),
        Chart(
            id="top-outside-vendors",
            title=f"Top {TOP_VENDORS} vendors bought outside IT",
            description="The vendors with the most software spend outside IT.",
            orientation="h",
            category_label="Vendor",
            categories=[str(r["vendor_name"] or f"Vendor {r['vendor_id']}") for r in vendors],
            series=[
                Series(
                    name="Outside IT",
                    key="outside_it",
                    values=[int(r["outside_it_minor"]) for r in vendors],
                    links=[
                        transactions_url(
                            flt, vendor_id=r["vendor_id"], is_software=True, outside_it=True
                        )
                        for r in vendors
                    ],
                )
            ],
            currency=currency,
            exponent=exp,
        ),
    ]
    links = {
        "sanctioned": transactions_url(flt, is_software=True, outside_it=False),
        "outside_it": transactions_url(flt, is_software=True, outside_it=True),
        "not_software": transactions_url(flt, is_software=False),
        "all": transactions_url(flt),
    }
    return Overview(
        flt=flt, currency=currency, exponent=exp, totals=totals, charts=charts, links=links
    )


@dataclass(frozen=True, slots=True)
class Insight:
    """An insights answer for a page: ``items`` (subscriptions, renewals) or ``value`` (the
    redundancy report); ``refused`` holds why the caller may not see it."""

    value: Any = None
    refused: str | None = None
    items: list[Any] = field(default_factory=list)


def subscriptions(session: Session, principal: Principal) -> Insight:
    items = insights_service.subscriptions(session, department_id=principal.department_id)
    return Insight(items=list(items))


def renewals(session: Session, principal: Principal, days: int = 90) -> Insight:
    items = renewals_service.renewals(session, days=days, department_id=principal.department_id)
    return Insight(items=list(items))


def redundancy(session: Session, principal: Principal, period: Period) -> Insight:
    if principal.scoped:
        return Insight(
            refused="Redundancy compares departments; it needs a key without a department scope."
        )
    return Insight(value=redundancy_service.redundancy(session, period=period))
