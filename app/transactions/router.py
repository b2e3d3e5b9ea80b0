from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound
from app.kit.pagination import paginate
from app.models import Transaction, TransactionPublic
from app.transactions import service
from app.transactions.service import TransactionFilter

router = APIRouter(prefix="/transactions", tags=["transactions"])


def transaction_filter(
    date_from: Annotated[date | None, Query(alias="from", description="On or after")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="On or before")] = None,
    department_id: int | None = None,
    vendor_id: int | None = None,
    connection_id: int | None = None,
    is_software: bool | None = None,
    outside_it: bool | None = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    channel: Annotated[str | None, Query(pattern="^(card|reimbursement|invoice)$")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Descriptor, merchant or memo contains")
    ] = None,
    include_duplicates: Annotated[
        bool, Query(description="Also list rows recognised as another source's duplicate")
    ] = False,
    kind: Annotated[
        str,
        Query(
            pattern="^(purchase|payment|transfer|interest|balance|all)$",
            description="purchase (spend, refunds included; the default), a kind kept out "
            "of spend (payment: a card's bill paid; transfer between own accounts; interest; "
            "balance lines), or all",
        ),
    ] = "purchase",
) -> TransactionFilter:
    return TransactionFilter(
        date_from=date_from,
        date_to=date_to,
        department_id=department_id,
        vendor_id=vendor_id,
        connection_id=connection_id,
        is_software=is_software,
        outside_it=outside_it,
        category=category,
        channel=channel,
        q=q,
        include_duplicates=include_duplicates,
        kind=None if kind == "all" else kind,
    )


FilterDep = Annotated[TransactionFilter, Depends(transaction_filter)]


@router.get("", response_model=Page[TransactionPublic])
def list_transactions(
    session: SessionDep,
    page: PageDep,
    flt: FilterDep,
    principal: Annotated[Principal, Depends(require(Perm.TRANSACTIONS_READ))],
) -> Page[TransactionPublic]:
    """Transactions newest first, each with its recognition (vendor, software or not, category,
    method, confidence, explanation). Amounts are integer minor units of `currency`, with the
    same value as a decimal string in `amount`. A department-scoped key sees only its own."""
    flt = service.scoped_filter(flt, principal)
    stmt = service.apply_filter(select(Transaction), flt)
    rows, cursor = paginate(
        session,
        stmt,
        page,
        [Transaction.transaction_date, Transaction.id],  # type: ignore[list-item]
        descending=True,
    )
    return Page(items=service.to_public(rows, session), next_cursor=cursor)


@router.get("/{transaction_id}", response_model=TransactionPublic)
def get_transaction(
    transaction_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.TRANSACTIONS_READ))],
) -> TransactionPublic:
    """One transaction with its raw descriptor and recognition."""
    row = session.get(Transaction, transaction_id)
    if row is None or row.removed_at is not None:
        raise NotFound(f"transaction {transaction_id} does not exist")
    if principal.scoped and row.department_id != principal.department_id:
        raise Forbidden("this key is scoped to another department")
    return service.to_public([row], session)[0]
