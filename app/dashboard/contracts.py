"""IT's sanctioned inventory for the console: the apps a caller may see (as
``GET /api/v1/sanctioned-apps`` lists them) and the renewals calendar built from their
contract end dates, month by month, most valuable first."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.auth.principal import Principal
from app.models import SanctionedApp
from app.sanctioned import service as sanctioned_service
from app.sanctioned.schemas import SanctionedAppPublic

CALENDAR_MONTHS = 12
LIST_LIMIT = 500


def visible(
    session: Session, principal: Principal, status: str, vendor_ids: set[int] | None = None
) -> list[SanctionedAppPublic]:
    """Sanctioned apps under the caller's scope (a department key: its own department's and the
    company-wide ones), by vendor name. ``status``: active, retired or all."""
    stmt = select(SanctionedApp)
    if vendor_ids is not None:
        stmt = stmt.where(col(SanctionedApp.vendor_id).in_(vendor_ids or {0}))
    if status != "all":
        stmt = stmt.where(col(SanctionedApp.status) == status)
    if principal.scoped:
        stmt = stmt.where(
            or_(
                col(SanctionedApp.department_id) == principal.department_id,
                col(SanctionedApp.department_id).is_(None),
            )
        )
    rows = list(session.exec(stmt.order_by(col(SanctionedApp.id)).limit(LIST_LIMIT)))
    items = sanctioned_service.to_public(session, rows)
    return sorted(items, key=lambda a: ((a.vendor_name or "").lower(), a.department_name or ""))


def act_by(app: SanctionedAppPublic) -> date | None:
    """The last day to give notice: the contract's end less its notice period."""
    if app.contract_end is None:
        return None
    return app.contract_end - timedelta(days=app.notice_days or 0)


@dataclass(slots=True, kw_only=True)
class Month:
    key: str  # YYYY-MM
    label: str  # "January 2027"
    items: list[SanctionedAppPublic] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # currency -> annual value


@dataclass(frozen=True, slots=True, kw_only=True)
class Calendar:
    months: list[Month]
    overdue: list[SanctionedAppPublic]  # active contracts whose end has passed
    undated: int  # active apps without a contract end
    largest: int  # the largest annual value shown, for the bars


def calendar(apps: list[SanctionedAppPublic], today: date) -> Calendar:
    """Active contracts ending from this month on, for :data:`CALENDAR_MONTHS` months, grouped
    by the month they end, each month's most valuable first."""
    start = today.replace(day=1)
    keys = [_add_months(start, n).isoformat()[:7] for n in range(CALENDAR_MONTHS)]
    months = {k: Month(key=k, label=_month_label(k)) for k in keys}
    overdue, undated, largest = [], 0, 0
    for a in apps:
        if a.status != "active":
            continue
        if a.contract_end is None:
            undated += 1
            continue
        if a.contract_end < today:
            overdue.append(a)
            continue
        month = months.get(a.contract_end.isoformat()[:7])
        if month is None:
            continue
        month.items.append(a)
        if a.annual_value_minor is not None and a.currency:
            month.totals[a.currency] = month.totals.get(a.currency, 0) + a.annual_value_minor
            largest = max(largest, a.annual_value_minor)
    for month in months.values():
        month.items.sort(key=lambda a: (-(a.annual_value_minor or 0), a.contract_end))
    return Calendar(
        months=list(months.values()),
        overdue=sorted(overdue, key=lambda a: a.contract_end or today),
        undated=undated,
        largest=largest,
    )


def _add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _month_label(key: str) -> str:
    year, month = key.split("-")
    return date(int(year), int(month), 1).strftime("%B %Y")
