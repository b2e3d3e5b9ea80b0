"""The transactions drill-down behind every chart and table."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import select

from app.api.deps import SessionDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.dashboard.render import error_page, page_viewer, render
from app.db import utcnow
from app.errors import AppError
from app.feeds import service as feeds_service
from app.kit.pagination import PageParams, paginate
from app.models import Department, Transaction, Vendor
from app.transactions import service as transactions_service
from app.transactions.params import FilterDep

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _filter_labels(session: SessionDep, flt: transactions_service.TransactionFilter) -> list[str]:
    labels: list[str] = []
    if flt.department_id is not None:
        dept = session.get(Department, flt.department_id)
        labels.append(f"department: {dept.name if dept else flt.department_id}")
    if flt.vendor_id is not None:
        vendor = session.get(Vendor, flt.vendor_id)
        labels.append(f"vendor: {vendor.name if vendor else flt.vendor_id}")
    if flt.category:
        labels.append(f"category: {flt.category}")
    if flt.is_software is not None:
        labels.append("software" if flt.is_software else "not software")
    if flt.outside_it is not None:
        labels.append("bought outside IT" if flt.outside_it else "sanctioned / IT-procured")
    if flt.channel:
        labels.append(f"channel: {flt.channel}")
    if flt.q:
        labels.append(f"text contains “{flt.q}”")
    return labels


@router.get("/transactions", response_class=HTMLResponse)
def transactions_page(
    request: Request,
    session: SessionDep,
    flt: FilterDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """The drill-down behind every chart element and table row: the same filters as
    ``GET /api/v1/transactions``, newest first, keyset-paginated, with the total that
    reconciles with the chart it came from. Without ``from`` and ``to`` it lists the default
    period (the last 12 full months), like every page."""
    principal = page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        flt = transactions_service.scoped_filter(flt, principal)
        flt, period = transactions_service.in_period(flt, utcnow().date())
        stmt = transactions_service.apply_filter(select(Transaction), flt)
        rows, next_cursor = paginate(
            session,
            stmt,
            PageParams(limit=PAGE_SIZE, cursor=cursor),
            [Transaction.transaction_date, Transaction.id],  # type: ignore[list-item]
            descending=True,
        )
        total = feeds_service.spend_feed(session, flt, (), checkpoint=session.commit).totals
    except AppError as exc:
        return error_page(request, principal, exc)
    next_url = None
    if next_cursor:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        next_url = "/transactions?" + urlencode([*params, ("cursor", next_cursor)])
    first_url = None
    if cursor:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        first_url = "/transactions" + ("?" + urlencode(params) if params else "")
    return render(
        request,
        "transactions.html",
        principal,
        items=transactions_service.to_public(rows, session),
        total=total,
        labels=_filter_labels(session, flt),
        flt=flt,
        period=period,
        # the filters the form does not show ride along with it
        hidden=[
            (k, v)
            for k, v in request.query_params.multi_items()
            if k not in {"from", "to", "q", "cursor"}
        ],
        next_url=next_url,
        first_url=first_url,
    )
