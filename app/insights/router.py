from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.deps import SessionDep, require
from app.auth.permissions import Perm
from app.auth.service import Principal
from app.errors import Forbidden
from app.insights import service
from app.insights.service import RedundancyReport, SubscriptionPublic

router = APIRouter(tags=["insights"])


def _scope(principal: Principal, department_id: int | None) -> int | None:
    if principal.scoped:
        if department_id is not None and department_id != principal.department_id:
            raise Forbidden("this key is scoped to another department")
        return principal.department_id
    return department_id


@router.get("/subscriptions", response_model=list[SubscriptionPublic])
def list_subscriptions(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.INSIGHTS_READ))],
    department_id: int | None = None,
    include_stopped: bool = True,
) -> list[SubscriptionPublic]:
    """Recurring software charges per vendor and department over the last ~13 months: cadence
    (monthly, quarterly, annual), typical and latest amount (drift and price increases),
    annualised run-rate, the next expected charge, and whether it stopped. Amounts are in the
    reporting currency's minor units."""
    return service.subscriptions(
        session,
        department_id=_scope(principal, department_id),
        include_stopped=include_stopped,
    )


@router.get("/subscriptions/renewals", response_model=list[SubscriptionPublic])
def list_renewals(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.INSIGHTS_READ))],
    days: Annotated[int, Query(ge=1, le=366)] = 90,
    department_id: int | None = None,
) -> list[SubscriptionPublic]:
    """The renewals calendar: subscriptions whose next charge is due within `days` (default
    90), soonest first. Charges already past due that have not arrived come first, with
    `overdue` true."""
    return service.renewals(session, days=days, department_id=_scope(principal, department_id))


@router.get("/insights/redundancy", response_model=RedundancyReport)
def get_redundancy(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.REDUNDANCY_READ))],
    days: Annotated[int, Query(ge=30, le=730)] = 365,
) -> RedundancyReport:
    """Where the company pays twice: categories with several tools in use (spend per tool,
    which departments; saving = everything but the most used tool) and the same vendor bought
    separately by several departments (saving = a typical 15% consolidation discount)."""
    if principal.scoped:
        raise Forbidden("redundancy spans departments; use a key without a department scope")
    return service.redundancy(session, days=days)
