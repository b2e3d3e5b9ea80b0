"""What the dashboard pages show, gathered server-side from the domain services.

Every figure comes from the same services the API uses (spend from
:func:`app.feeds.service.spend_feed`, findings from :mod:`app.findings.service`, subscriptions
and redundancy from :mod:`app.insights.service` when it is installed), under the caller's
department scope, so the dashboard and the API never disagree. Amounts stay integer minor units
of the reporting currency; the templates and the charts format them.

Each chart is a plain dict (:class:`Chart`) that the page embeds as JSON for the chart script
and renders as a ``<table>`` for everyone else; every bar and row carries the URL of its
drill-down (``/transactions?...``) listing exactly the transactions behind it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from datetime import date
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session

from app.auth.service import Principal
from app.feeds import service as feeds_service
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


SOFTWARE_SPLITS = (("Sanctioned", "sanctioned", False), ("Outside IT", "outside_it", True))


@dataclass(frozen=True, slots=True)
class Overview:
    flt: TransactionFilter
    currency: str
    exponent: int
    totals: dict[str, Any]
    charts: list[Chart]
    links: dict[str, str]  # drill-downs of the totals: sanctioned, outside_it, not_software, all


def overview(session: Session, flt: TransactionFilter) -> Overview:
    """Spend over time (software: sanctioned vs outside IT), by department, by category and the
    top outside-IT vendors, for the (already scoped) filter ``flt``. Four GROUP BY queries."""
    software = replace(flt, is_software=True)
    by_month = feeds_service.spend_feed(session, software, ("month",))
    by_dept = feeds_service.spend_feed(session, software, ("department",))
    by_cat = feeds_service.spend_feed(session, software, ("category",))
    outside = replace(flt, is_software=True, outside_it=True)
    by_vendor = feeds_service.spend_feed(session, outside, ("vendor",))
    grand = feeds_service.spend_feed(session, flt, ())
    currency = grand.reporting_currency
    exp = exponent(currency)

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

    months = [r for r in by_month.rows if r["month"] is not None]
    depts = sorted(
        by_dept.rows,
        key=lambda r: -(int(r["sanctioned_minor"]) + int(r["outside_it_minor"])),
    )
    cats = sorted(
        by_cat.rows, key=lambda r: -(int(r["sanctioned_minor"]) + int(r["outside_it_minor"]))
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
            categories=[str(r["category"] or "Uncategorised") for r in cats],
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
        flt=flt, currency=currency, exponent=exp, totals=grand.totals, charts=charts, links=links
    )


def insights_module() -> ModuleType | None:
    """``app.insights.service`` when this build has it (imported lazily: it is optional)."""
    try:
        return importlib.import_module("app.insights.service")
    except ImportError:
        return None


@dataclass(frozen=True, slots=True)
class Insight:
    """The result of an optional insights call: ``available`` False when the module or the
    function is missing in this build, ``refused`` holds why the caller may not see it."""

    available: bool
    value: Any = None
    refused: str | None = None
    items: list[Any] = field(default_factory=list)


def subscriptions(session: Session, principal: Principal) -> Insight:
    module = insights_module()
    fn = getattr(module, "subscriptions", None) if module else None
    if fn is None:
        return Insight(available=False)
    items = list(fn(session, department_id=principal.department_id))
    return Insight(available=True, items=items)


def renewals(session: Session, principal: Principal, days: int = 90) -> Insight:
    module = insights_module()
    fn = getattr(module, "renewals", None) if module else None
    if fn is None:
        return Insight(available=False)
    items = list(fn(session, days=days, department_id=principal.department_id))
    return Insight(available=True, items=items)


def redundancy(session: Session, principal: Principal) -> Insight:
    module = insights_module()
    fn = getattr(module, "redundancy", None) if module else None
    if fn is None:
        return Insight(available=False)
    if principal.scoped:
        return Insight(
            available=True,
            refused="Redundancy compares departments; it needs a key without a department scope.",
        )
    return Insight(available=True, value=fn(session))
