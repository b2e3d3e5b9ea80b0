"""The transactions drill-down behind every chart and table, and its CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from sqlmodel import Session, select

from app.api.deps import SessionDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.dashboard import export, filters
from app.dashboard.filters import TransactionsArgsDep
from app.dashboard.render import error_page, page_viewer, render
from app.db import utcnow
from app.errors import AppError
from app.feeds import service as feeds_service
from app.kit.pagination import PageParams, paginate
from app.models import Transaction
from app.periods import Period
from app.transactions import service as transactions_service
from app.transactions.service import TransactionFilter

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
_CSV_BATCH = 1000
_NEWEST_FIRST = [Transaction.transaction_date, Transaction.id]


def _page_of(
    session: Session, flt: TransactionFilter, limit: int, cursor: str | None
) -> tuple[list[Transaction], str | None]:
    stmt = transactions_service.apply_filter(select(Transaction), flt)
    return paginate(
        session,
        stmt,
        PageParams(limit=limit, cursor=cursor),
        _NEWEST_FIRST,  # type: ignore[arg-type]
        descending=True,
    )


def _scoped(
    args: filters.TransactionsArgs, principal: Principal
) -> tuple[TransactionFilter, Period]:
    flt = transactions_service.scoped_filter(args.transaction_filter(), principal)
    return transactions_service.in_period(flt, utcnow().date())


def _query(request: Request, **extra: str) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor" and v]
    return urlencode([*params, *extra.items()])


@router.get("/transactions", response_class=HTMLResponse)
def transactions_page(
    request: Request,
    session: SessionDep,
    args: TransactionsArgsDep,
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
        flt, period = _scoped(args, principal)
        rows, next_cursor = _page_of(session, flt, PAGE_SIZE, cursor)
        total = feeds_service.spend_feed(session, flt, (), checkpoint=session.commit).totals
    except AppError as exc:
        return error_page(request, principal, exc)
    query = _query(request)
    return render(
        request,
        "transactions.html",
        principal,
        items=transactions_service.to_public(rows, session),
        total=total,
        labels=filters.transaction_labels(session, flt),
        args=args,
        flt=flt,
        period=period,
        options=filters.transactions_options(session, principal),
        # the filters the form does not show ride along with it
        hidden=[
            (k, v)
            for k, v in request.query_params.multi_items()
            if k in {"connection_id", "include_duplicates", "kind"}
        ],
        csv_url="/transactions.csv" + ("?" + query if query else ""),
        next_url=f"/transactions?{_query(request, cursor=next_cursor)}" if next_cursor else None,
        first_url=("/transactions" + ("?" + query if query else "")) if cursor else None,
    )


CSV_COLUMNS = (
    "id",
    "transaction_date",
    "posted_date",
    "descriptor",
    "merchant_name",
    "amount_minor",
    "amount",
    "currency",
    "reporting_amount_minor",
    "reporting_currency",
    "department",
    "vendor_id",
    "vendor",
    "category",
    "is_software",
    "outside_it",
    "channel",
    "kind",
    "matched_by",
    "confidence",
    "connection_id",
    "duplicate_of_id",
)


@router.get("/transactions.csv")
def transactions_csv(request: Request, session: SessionDep, args: TransactionsArgsDep) -> Response:
    """Every transaction the list's filters select (the same period too), newest first."""
    principal = page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        flt, _ = _scoped(args, principal)
    except AppError as exc:
        return error_page(request, principal, exc)

    def rows() -> Iterator[list[Any]]:
        cursor: str | None = None
        while True:
            batch, cursor = _page_of(session, flt, _CSV_BATCH, cursor)
            for t in transactions_service.to_public(batch, session):
                c = t.classification
                yield [
                    t.id,
                    t.transaction_date,
                    t.posted_date,
                    t.descriptor,
                    t.merchant_name,
                    t.amount_minor,
                    t.amount,
                    t.currency,
                    t.reporting_amount_minor,
                    t.reporting_currency,
                    t.department_name,
                    c.vendor_id,
                    c.vendor_name,
                    c.category,
                    c.is_software,
                    t.outside_it,
                    t.channel,
                    t.kind,
                    c.matched_by,
                    c.confidence,
                    t.connection_id,
                    t.duplicate_of_id,
                ]
            if cursor is None:
                return

    return export.csv_response("shadowspend-transactions.csv", CSV_COLUMNS, rows())
