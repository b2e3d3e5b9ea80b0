from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.api.period import PeriodDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.errors import Forbidden
from app.insights import redundancy as redundancy_service
from app.insights import renewals as renewals_service
from app.insights import service
from app.insights.redundancy import RedundancyReport
from app.insights.renewals import Renewal
from app.insights.service import SubscriptionPublic
from app.kit.pagination import paginate_sorted

router = APIRouter(tags=["insights"])


def _scope(principal: Principal, department_id: int | None) -> int | None:
    if principal.scoped:
        if department_id is not None and department_id != principal.department_id:
            raise Forbidden("this key is scoped to another department")
        return principal.department_id
    return department_id


def _subscription_order(s: SubscriptionPublic) -> tuple[int, str, int, int]:
    return (-s.annual_run_rate_minor, s.vendor.name, s.vendor.id, s.department.id or 0)


@router.get("/subscriptions", response_model=Page[SubscriptionPublic])
def list_subscriptions(
    session: SessionDep,
    page: PageDep,
    principal: Annotated[Principal, Depends(require(Perm.INSIGHTS_READ))],
    department_id: int | None = None,
    include_stopped: bool = True,
) -> Page[SubscriptionPublic]:
    """Recurring software charges per vendor and department, as of today, from the last ~13
    months of charges: cadence (monthly, quarterly, annual), typical and latest amount (drift
    and price increases), annualised run-rate, the next expected charge, and whether it
    stopped. Largest run-rate first. Amounts are in the reporting currency's minor units."""
    items = service.subscriptions(
        session,
        department_id=_scope(principal, department_id),
        include_stopped=include_stopped,
    )
    rows, cursor = paginate_sorted(items, page, _subscription_order)
    return Page(items=rows, next_cursor=cursor)


@router.get("/subscriptions/renewals", response_model=Page[Renewal])
def list_renewals(
    session: SessionDep,
    page: PageDep,
    principal: Annotated[Principal, Depends(require(Perm.INSIGHTS_READ))],
    days: Annotated[int, Query(ge=1, le=366, description="How far ahead to look")] = 90,
    department_id: int | None = None,
) -> Page[Renewal]:
    """What to act on within `days` (default 90), most valuable first: sanctioned apps'
    contracts whose end, less their notice period, falls within it (`kind=contract`, with
    `notice_days` and the annual value in the reporting currency; listed for 30 days after
    they ended, as `overdue`), and the next charges of recurring subscriptions
    (`kind=subscription`, valued at their run-rate; an expected charge that has not arrived is
    `overdue`). `act_by` is the last day to cancel or renegotiate."""
    items = renewals_service.renewals(
        session, days=days, department_id=_scope(principal, department_id)
    )
    rows, cursor = paginate_sorted(items, page, renewals_service.rank)
    return Page(items=rows, next_cursor=cursor)


@router.get("/insights/redundancy", response_model=RedundancyReport)
def get_redundancy(
    session: SessionDep,
    period: PeriodDep,
    principal: Annotated[Principal, Depends(require(Perm.REDUNDANCY_READ))],
) -> RedundancyReport:
    """Where the company pays twice, over the period (`from`, `to`; default the last 12 full
    months): tools that do the same job (the same *function*, e.g. CRM or video meetings, not
    merely the same category) with the sanctioned one to keep and the spend on the others as
    an upper-bound estimate, and the same vendor bought separately by several departments (an
    assumed 15% volume discount). Every saving states its method and inputs and is an
    estimate; a group without a sanctioned tool gets none."""
    if principal.scoped:
        raise Forbidden("redundancy spans departments; use a key without a department scope")
    return redundancy_service.redundancy(session, period=period)
