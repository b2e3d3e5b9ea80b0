"""The app inventory (every software vendor the company pays for, one row each), its CSV
export under the same filters, and a page per app."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse

from app import periods
from app.api.deps import SessionDep
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.dashboard import app_detail, forms, inventory, labels
from app.dashboard.inventory import InventoryFilter
from app.dashboard.render import PAGE_HEADERS, error_page, money, page_viewer, render
from app.dashboard.sparkline import sparkline
from app.db import utcnow
from app.errors import AppError, Unprocessable

router = APIRouter(include_in_schema=False)
SORT_PATTERN = "^(" + "|".join(inventory.SORTS) + ")$"
STATUS_PATTERN = "^(" + "|".join(inventory.STATUSES) + ")?$"
SORT_LABELS = {
    "spend": "Spend in the period",
    "name": "Name",
    "run_rate": "Annual run-rate",
    "last_seen": "Last seen",
    "findings": "Open findings",
    "departments": "Departments buying",
}


def _inventory(
    session: SessionDep,
    principal: Principal,
    args: InventoryArgs,
    page: int,
    *,
    everything: bool = False,
) -> tuple[inventory.Inventory, periods.Period]:
    today = utcnow().date()
    date_from, date_to, flt = args.parsed()
    period = periods.resolve(date_from, date_to, today)
    found = inventory.build(
        session,
        principal,
        period,
        flt,
        today,
        page=page,
        page_size=None if everything else inventory.PAGE_SIZE,
    )
    return found, period


def _query(period: periods.Period, flt: InventoryFilter, **extra: object) -> str:
    params = {
        "from": period.date_from.isoformat() if period.date_from and not period.is_default else "",
        "to": period.date_to.isoformat() if period.date_to and not period.is_default else "",
        "q": flt.q,
        "category": flt.category,
        "status": flt.status,
        "department_id": "" if flt.department_id is None else str(flt.department_id),
        "sort": flt.sort if flt.sort != "spend" else "",
        **{k: str(v) for k, v in extra.items()},
    }
    return urlencode({k: v for k, v in params.items() if v})


@dataclass(frozen=True, slots=True)
class InventoryArgs:
    """The inventory's filters as sent; the filter form sends empty fields as ``""``."""

    date_from: str
    date_to: str
    department_id: str
    flt: InventoryFilter

    def parsed(self) -> tuple[date | None, date | None, InventoryFilter]:
        department = self.department_id.strip()
        if department and not department.isdigit():
            raise Unprocessable("department_id must be a department's number")
        return (
            forms.day(self.date_from, "`from`"),
            forms.day(self.date_to, "`to`"),
            replace(self.flt, department_id=int(department) if department else None),
        )


def inventory_args(
    date_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    status: Annotated[str, Query(pattern=STATUS_PATTERN)] = "",
    department_id: Annotated[str, Query(max_length=12)] = "",
    sort: Annotated[str, Query(pattern=SORT_PATTERN)] = "spend",
) -> InventoryArgs:
    """The inventory's filters, the same for the page and its CSV."""
    flt = InventoryFilter(q=q, category=category, status=status, sort=sort)
    return InventoryArgs(date_from, date_to, department_id, flt)


InventoryArgsDep = Annotated[InventoryArgs, Depends(inventory_args)]


@router.get("/apps", response_class=HTMLResponse)
def apps_page(
    request: Request,
    session: SessionDep,
    args: InventoryArgsDep,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Every software vendor the company pays for: spend, run-rate, who buys it, whether IT
    sanctioned it, its findings and registrations, a trend line; filter, sort, search."""
    principal = page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        found, period = _inventory(session, principal, args, page)
        flt = args.parsed()[2]
    except AppError as exc:
        return error_page(request, principal, exc)
    sparks = {
        r.vendor_id: sparkline(
            r.monthly,
            f"{r.name}: monthly spend from {found.months[0] if found.months else ''} "
            f"to {found.months[-1] if found.months else ''}, highest month "
            f"{money(max(r.monthly, default=0), found.currency)}",
        )
        for r in found.rows
    }
    return render(
        request,
        "apps.html",
        principal,
        inv=found,
        flt=flt,
        period=period,
        sparks=sparks,
        categories=labels.categories(),
        statuses=[(s, labels.label("inventory", s)) for s in inventory.STATUSES],
        sorts=SORT_LABELS,
        query=lambda **extra: _query(period, flt, **extra),
    )


@router.get("/apps.csv")
def apps_csv(request: Request, session: SessionDep, args: InventoryArgsDep) -> Response:
    """The inventory as CSV: every row the page's filters select, in the page's order."""
    principal = page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        found, _ = _inventory(session, principal, args, 1, everything=True)
    except AppError as exc:
        return error_page(request, principal, exc)
    headers = {
        **PAGE_HEADERS,
        "Content-Disposition": 'attachment; filename="shadowspend-apps.csv"',
    }
    return StreamingResponse(
        inventory.csv_lines(found), media_type="text/csv; charset=utf-8", headers=headers
    )


@router.get("/apps/{vendor_id}", response_class=HTMLResponse)
def app_page(
    vendor_id: int,
    request: Request,
    session: SessionDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    """One app: spend over time, who buys it, its transactions, contracts and decisions."""
    principal = page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    today = utcnow().date()
    try:
        period = periods.resolve(date_from, date_to, today)
        detail = app_detail.build(session, principal, vendor_id, period, today)
    except AppError as exc:
        return error_page(request, principal, exc)
    return render(
        request,
        "app.html",
        principal,
        app=detail,
        period=period,
        charts_json={"charts": [detail.chart.as_json()] if detail.chart else []},
        can_sanction=allowed(principal.role, Perm.SANCTIONED_WRITE, scoped=principal.scoped),
        can_register=allowed(principal.role, Perm.REGISTRATIONS_WRITE, scoped=principal.scoped),
    )
