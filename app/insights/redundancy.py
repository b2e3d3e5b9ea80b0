"""Where the company pays twice for the same job, with savings it can defend.

Two kinds of overlap, over one period (the default: the last 12 full months):

- **Tools that do the same job.** Tools are alternatives only when they have the same
  *function* (:mod:`app.insights.functions`: CRM, video meetings, code hosting, ...), never
  merely the same category, and a group needs at least two tools with spend in the period. The
  advice keeps the sanctioned tool (the one under contract first, then the most used): it never
  suggests moving to a tool IT has not sanctioned, nor dropping one it has. The estimate is the
  period's spend on the group's unsanctioned tools, an upper bound (the seats their users would
  need on the kept tool are not known, so not deducted). A group without a sanctioned tool gets
  no estimate: IT has to choose the standard first.
- **The same vendor bought separately by several departments.** The estimate assumes a 15%
  volume discount from buying it once (a typical figure, not a quote). A vendor already counted
  as a tool to drop is not counted again.

Every saving is an :class:`Estimate` that names its method and inputs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlmodel import Session, col
from sqlmodel import select as orm_select

from app.config import get_settings
from app.db import utcnow
from app.insights import common, functions
from app.insights.common import VendorRef
from app.models import Department, SanctionedApp, Vendor
from app.periods import Period, default_period

CONSOLIDATION_DISCOUNT_PCT = 15


class ToolSpend(BaseModel):
    vendor: VendorRef
    spend_minor: int = Field(description="Spend in the period, reporting-currency minor units")
    departments: list[str]
    sanctioned: bool = Field(description="IT sanctioned it (for some or every department)")
    contract: bool = Field(description="A sanctioned app of it has a contract end or value")


class Estimate(BaseModel):
    is_estimate: Literal[True] = True
    method: Literal["unsanctioned_spend", "volume_discount"] = Field(
        description="unsanctioned_spend: the period's spend on the tools to drop (an upper "
        "bound); volume_discount: an assumed discount on buying once"
    )
    saving_minor: int
    text: str = Field(description="How the figure was reached, in words")
    inputs: dict[str, Any] = Field(description="Every figure the estimate used")


class FunctionOverlap(BaseModel):
    function: str
    label: str
    category: str = Field(description="The category the function sits under")
    tools: list[ToolSpend] = Field(description="Most spent first")
    total_minor: int
    keep: VendorRef | None = Field(description="The sanctioned tool to keep; null: none is")
    advice: str
    estimate: Estimate | None = Field(description="null: nothing to drop or no standard yet")


class DepartmentSpend(BaseModel):
    id: int | None
    name: str | None
    spend_minor: int


class SharedVendor(BaseModel):
    vendor: VendorRef
    departments: list[DepartmentSpend]
    total_minor: int
    estimate: Estimate


class RedundancyReport(BaseModel):
    reporting_currency: str
    period_from: date
    period_to: date
    period_label: str
    functions: list[FunctionOverlap]
    shared_vendors: list[SharedVendor]
    total_estimated_saving_minor: int = Field(
        description="The estimates added up: an estimate, and for the tools to drop an upper bound"
    )


def redundancy(
    session: Session, *, period: Period | None = None, today: date | None = None
) -> RedundancyReport:
    """The overlaps in ``period`` (default: the last 12 full months). Kept while nothing
    behind it changed (see :func:`app.insights.common.cached`)."""
    day = today or utcnow().date()
    period = period or default_period(day)
    return common.cached(
        session,
        ("redundancy", day, period.date_from, period.date_to),
        lambda: _redundancy(session, period, day),
    )


def _redundancy(session: Session, period: Period, today: date) -> RedundancyReport:
    since, until = period.bounds(today)
    currency = get_settings().reporting_currency
    grouped = common.charges(session, since, None, until=until)
    vendors = {
        v.id: v
        for v in session.exec(
            orm_select(Vendor).where(col(Vendor.id).in_({vid for vid, _ in grouped} or {0}))
        )
    }
    depts = {d.id: d.name for d in session.exec(orm_select(Department))}
    under_contract: dict[int, bool] = {}
    for app in session.exec(orm_select(SanctionedApp).where(SanctionedApp.status == "active")):
        has_contract = app.contract_end is not None or app.annual_value_minor is not None
        under_contract[app.vendor_id] = under_contract.get(app.vendor_id, False) or has_contract
    per_vendor: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    for (vendor_id, department_id), rows in grouped.items():
        per_vendor[vendor_id][department_id] += sum(a for _, a, _ in rows)

    by_function: dict[str, list[ToolSpend]] = defaultdict(list)
    refs: dict[int, VendorRef] = {}
    for vid, spend_by_dept in per_vendor.items():
        vendor = vendors.get(vid)
        if vendor is None or vendor.id is None or vendor.is_reseller:
            continue
        refs[vid] = VendorRef(id=vendor.id, name=vendor.name, category=vendor.category)
        total = sum(spend_by_dept.values())
        job = functions.of(vendor.slug)
        if job is None or total <= 0:
            continue
        by_function[job.code].append(
            ToolSpend(
                vendor=refs[vid],
                spend_minor=total,
                departments=sorted(depts.get(d) or "Unassigned" for d in spend_by_dept),
                sanctioned=vid in under_contract,
                contract=under_contract.get(vid, False),
            )
        )
    overlaps = [
        _overlap(code, tools, period, currency)
        for code, tools in by_function.items()
        if len(tools) >= 2
    ]
    overlaps.sort(key=lambda o: (-(o.estimate.saving_minor if o.estimate else 0), -o.total_minor))
    dropped = {t.vendor.id for o in overlaps if o.estimate for t in o.tools if not t.sanctioned}
    shared = []
    for vid, spend_by_dept in per_vendor.items():
        buyers = {d: amount for d, amount in spend_by_dept.items() if amount > 0}
        if vid not in refs or vid in dropped or len(buyers) < 2:
            continue
        shared.append(_shared(refs[vid], buyers, depts, period))
    shared.sort(key=lambda s: -s.estimate.saving_minor)
    return RedundancyReport(
        reporting_currency=currency,
        period_from=since,
        period_to=until,
        period_label=period.label,
        functions=overlaps,
        shared_vendors=shared,
        total_estimated_saving_minor=sum(o.estimate.saving_minor for o in overlaps if o.estimate)
        + sum(s.estimate.saving_minor for s in shared),
    )


def _names(tools: list[ToolSpend]) -> str:
    return ", ".join(t.vendor.name for t in tools)


def _overlap(code: str, tools: list[ToolSpend], period: Period, currency: str) -> FunctionOverlap:
    job = functions.functions()[code]
    tools = sorted(tools, key=lambda t: (-t.spend_minor, t.vendor.name))
    sanctioned = [t for t in tools if t.sanctioned]
    keep = max(sanctioned, key=lambda t: (t.contract, t.spend_minor)) if sanctioned else None
    estimate = None
    if keep is None:
        advice = (
            f"{len(tools)} tools do this job ({job.label}) and IT has sanctioned none of them: "
            "choose the standard first; no saving is estimated until then."
        )
    else:
        drop = [t for t in tools if not t.sanctioned]
        why = "sanctioned, under contract" if keep.contract else "sanctioned"
        others = [t for t in sanctioned if t is not keep]
        also = f" IT also sanctioned {_names(others)}: left as it is." if others else ""
        if not drop:
            advice = f"Every tool here is sanctioned; nothing to move.{also}"
        else:
            saving = sum(t.spend_minor for t in drop)
            advice = (
                f"Keep {keep.vendor.name} ({why}); move the users of {_names(drop)} to it.{also}"
            )
            estimate = Estimate(
                method="unsanctioned_spend",
                saving_minor=saving,
                text=f"Spend on {_names(drop)} from {period.label}, which would stop if their "
                f"users moved to {keep.vendor.name}. An upper bound: the seats they would need "
                f"on {keep.vendor.name} are not known, so not deducted.",
                inputs={
                    "currency": currency,
                    "keep": keep.vendor.name,
                    "dropped": [
                        {"vendor": t.vendor.name, "spend_minor": t.spend_minor} for t in drop
                    ],
                },
            )
    return FunctionOverlap(
        function=code,
        label=job.label,
        category=job.category,
        tools=tools,
        total_minor=sum(t.spend_minor for t in tools),
        keep=keep.vendor if keep else None,
        advice=advice,
        estimate=estimate,
    )


def _shared(
    vendor: VendorRef, buyers: dict[int | None, int], depts: dict[int | None, str], period: Period
) -> SharedVendor:
    total = sum(buyers.values())
    saving = total * CONSOLIDATION_DISCOUNT_PCT // 100
    return SharedVendor(
        vendor=vendor,
        departments=sorted(
            (DepartmentSpend(id=d, name=depts.get(d), spend_minor=a) for d, a in buyers.items()),
            key=lambda x: -x.spend_minor,
        ),
        total_minor=total,
        estimate=Estimate(
            method="volume_discount",
            saving_minor=saving,
            text=f"{len(buyers)} departments buy {vendor.name} separately; buying it once "
            f"usually earns a volume discount, assumed here to be "
            f"{CONSOLIDATION_DISCOUNT_PCT}% of their spend from {period.label} (a typical "
            "figure, not a quote).",
            inputs={
                "discount_pct": CONSOLIDATION_DISCOUNT_PCT,
                "spend_minor": total,
                "departments": len(buyers),
            },
        ),
    )
