"""The overview: spend over the period (software sanctioned vs outside IT), by department,
category and vendor, the top open findings, and the renewals card."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app import periods
from app.api.deps import SessionDep
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.dashboard import changes, queries
from app.dashboard.render import (
    INSIGHTS_PERM,
    REDUNDANCY_PERM,
    error_page,
    fragment_viewer,
    money,
    page_viewer,
    render,
)
from app.dashboard.sparkline import sparkline
from app.db import utcnow
from app.errors import AppError
from app.findings import service as findings_service
from app.findings.service import FindingFilter
from app.kit.pagination import PageParams
from app.transactions import service as transactions_service

router = APIRouter(include_in_schema=False)
TOP_FINDINGS = 5


@router.get("/", response_class=HTMLResponse)
def overview_page(
    request: Request,
    session: SessionDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    principal = page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        period = periods.resolve(date_from, date_to, utcnow().date())
        flt = transactions_service.scoped_filter(
            transactions_service.TransactionFilter(
                date_from=period.date_from, date_to=period.date_to
            ),
            principal,
        )
        data = queries.overview(session, flt)
    except AppError as exc:
        return error_page(request, principal, exc)

    today = utcnow().date()
    findings: list[Any] = []
    can_findings = allowed(principal.role, Perm.FINDINGS_READ, scoped=principal.scoped)
    if can_findings:
        rows, _ = findings_service.list_findings(
            session,
            FindingFilter(status="open", sort="spend"),
            PageParams(limit=TOP_FINDINGS, cursor=None),
            principal,
        )
        findings = findings_service.to_public(session, rows)
    over_time = data.charts[0]
    months = over_time.categories
    what_changed = changes.changes(
        session,
        principal,
        flt,
        period,
        today,
        current=changes.spend_figures(session, flt),
        months=months,
        can_findings=can_findings,
    )
    outside_by_month = next(s.values for s in over_time.series if s.key == "outside_it")
    trends = [
        (
            "Outside-IT spend by month",
            sparkline(
                outside_by_month,
                f"Outside-IT spend by month, {_span(months)}; highest month "
                f"{money(max(outside_by_month, default=0), data.currency)}",
            ),
            data.links["outside_it"],
        )
    ]
    if what_changed.open_findings_by_month is not None:
        counts = what_changed.open_findings_by_month
        trends.append(
            (
                "Open findings at each month's end",
                sparkline(
                    counts,
                    f"Open findings at each month's end, {_span(months)}; "
                    f"from {counts[0] if counts else 0} to {counts[-1] if counts else 0}",
                ),
                "/findings",
            )
        )
    can_insights = allowed(principal.role, INSIGHTS_PERM, scoped=principal.scoped)
    savings = None
    if allowed(principal.role, REDUNDANCY_PERM, scoped=principal.scoped):
        report = queries.redundancy(session, principal, period).value
        savings = report.total_estimated_saving_minor if report is not None else None
    return render(
        request,
        "overview.html",
        principal,
        data=data,
        charts_json={"charts": [c.as_json() for c in data.charts]},
        period=period,
        changes=what_changed,
        trends=trends,
        savings=savings,
        findings=findings,
        can_findings=can_findings,
        can_insights=can_insights,
    )


def _span(months: list[str]) -> str:
    return f"{months[0]} to {months[-1]}" if months else "no months"


@router.get("/fragments/renewals", response_class=HTMLResponse)
def renewals_fragment(request: Request, session: SessionDep) -> Response:
    """The overview's renewals card, fetched after first paint (the cadence analysis behind
    it takes longer than the charts)."""
    principal = fragment_viewer(request, session, INSIGHTS_PERM)
    if not isinstance(principal, Principal):
        return principal
    return render(
        request, "_renewals.html", principal, renewals=queries.renewals(session, principal)
    )
