from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound
from app.kit.pagination import paginate
from app.models import Transaction, TransactionPublic
from app.transactions import service
from app.transactions.params import FilterDep

router = APIRouter(prefix="/transactions", tags=["transactions"])


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
