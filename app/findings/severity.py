"""How severe a finding is: the one statement of the model (the README's "Severity" says the
same in words).

**Spend dominates.** The finding's annualised spend in the reporting currency puts it in a band:
*low* under the first threshold, then *medium*, *high* and *critical* (the thresholds are
``SHADOWSPEND_SEVERITY_SPEND_THRESHOLDS``: 500, 5,000 and 50,000 a year by default). A band is
worth :data:`POINTS_PER_LABEL` (4) points, and inside a band spend earns up to three more by
where it sits between the band's bounds on a log scale: one from a quarter of the way up, two
from half way, three from three quarters (the low band counts from a tenth of the first
threshold; the critical band has no upper bound and earns none).

**Other signals raise it, within bounds.** Each signal that applies adds one point: recurring
charges, paid on a personal card, bought through a reseller, bought by several departments, a
sanctioned tool that does the same job, a category whose data or security risk is high, a
vendor never seen before. Together they add at most ``SHADOWSPEND_SEVERITY_MAX_SIGNAL_POINTS``
(2, half a label).

**The label** is the score divided by :data:`POINTS_PER_LABEL` (at most critical). So more spend
never lowers a finding; the signals raise it one label at most, and only when its spend is in
the upper half of its band (two signals) or the top quarter (one); nothing under the first
threshold is above medium; and the score is exactly the sum of its reasons' points.

The rules are an ordered tuple of rule objects, as Splink orders its comparison levels: each
reads the facts and returns its evidence (a :class:`Reason`: code, points, scope, words for
people) or None. Reasons are stored as that data, never parsed back from their words.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Protocol

from app.config import get_settings
from connectors.money import exponent, from_minor

POINTS_PER_LABEL = 4
LABELS = ("low", "medium", "high", "critical")
_DATA = Path(__file__).resolve().parent / "data"


class Scope(StrEnum):
    FINDING = "finding"  # from the finding's own charges
    VENDOR = "vendor"  # from the vendor as a whole (its other departments, the inventory)


@dataclass(frozen=True, kw_only=True, slots=True)
class Reason:
    code: str
    points: int
    scope: Scope
    text: str

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "points": self.points,
            "scope": self.scope.value,
            "text": self.text,
        }


@dataclass(frozen=True, kw_only=True, slots=True)
class VendorFacts:
    """What the vendor as a whole says about each of its findings."""

    departments: int = 1  # departments buying it outside IT
    overlap: tuple[str, ...] = ()  # sanctioned tools (other vendors) that do the same job
    function_label: str | None = None
    category: str | None = None
    first_seen: date | None = None  # its first charge of any kind


@dataclass(frozen=True, kw_only=True, slots=True)
class Facts:
    today: date
    annual_spend_minor: int = 0  # reporting-currency minor units
    currency: str = "USD"
    cadence: str | None = None  # a recurring cadence still running
    charges: int = 0  # how many charges the cadence saw
    reimbursed: bool = False
    via_reseller: bool = False
    vendor: VendorFacts = field(default_factory=VendorFacts)


@dataclass(frozen=True, kw_only=True, slots=True)
class Model:
    spend_thresholds: tuple[int, int, int]
    max_signal_points: int = 2
    new_vendor_days: int = 45
    risky_categories: Mapping[str, str] = field(default_factory=dict)  # category -> why

    @classmethod
    def from_settings(cls) -> Model:
        settings = get_settings()
        return cls(
            spend_thresholds=settings.severity_spend_thresholds,
            max_signal_points=settings.severity_max_signal_points,
            new_vendor_days=settings.new_vendor_days,
            risky_categories=category_risks(),
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class Assessment:
    label: str
    rank: int  # index in LABELS
    score: int
    reasons: tuple[Reason, ...]

    def reasons_json(self) -> list[dict[str, Any]]:
        return [r.as_json() for r in self.reasons]


@lru_cache(maxsize=1)
def category_risks() -> dict[str, str]:
    """``data/category_risk.csv``: the categories whose data or security risk raises a
    finding, with why (each row names its source)."""
    with (_DATA / "category_risk.csv").open(newline="", encoding="utf-8") as fh:
        return {row["category"]: row["why"] for row in csv.DictReader(fh)}


def money(minor: int, currency: str) -> str:
    value: Decimal = from_minor(minor, currency)
    return f"{currency} {value:,.{exponent(currency)}f}"


def spend_points(annual_minor: int, thresholds: tuple[int, int, int]) -> tuple[int, int]:
    """(band, extra points): the band is how many thresholds the spend reaches; inside it, one
    extra point per quarter of the way from the band's lower to its upper bound on a log scale
    (the low band's lower bound is a tenth of the first threshold). Exact, in integers: the
    k-th point needs spend^4 >= lower^(4-k) * upper^k."""
    band = sum(1 for t in thresholds if annual_minor >= t)
    if band == len(thresholds):
        return band, 0
    upper = thresholds[band]
    lower = thresholds[band - 1] if band else max(1, upper // 10)
    if annual_minor < lower:
        return band, 0
    power = annual_minor**POINTS_PER_LABEL
    extra = sum(
        1 for k in range(1, POINTS_PER_LABEL) if power >= lower ** (POINTS_PER_LABEL - k) * upper**k
    )
    return band, extra


class Rule(Protocol):
    code: ClassVar[str]
    scope: ClassVar[Scope]
    signal: ClassVar[bool]  # signals share the cap; spend does not

    def evaluate(self, facts: Facts, model: Model) -> Reason | None: ...


class _Rule:
    code: ClassVar[str]
    scope: ClassVar[Scope]
    signal: ClassVar[bool] = True

    def reason(self, points: int, text: str) -> Reason:
        return Reason(code=self.code, points=points, scope=self.scope, text=text)


class AnnualSpend(_Rule):
    code, scope, signal = "spend", Scope.FINDING, False

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        band, extra = spend_points(facts.annual_spend_minor, model.spend_thresholds)
        amount = money(facts.annual_spend_minor, facts.currency)
        if band == 0:
            bound = money(model.spend_thresholds[0], facts.currency)
            return self.reason(extra, f"spend: {amount} a year (under {bound}: low)")
        bound = money(model.spend_thresholds[band - 1], facts.currency)
        return self.reason(
            POINTS_PER_LABEL * band + extra,
            f"spend: {amount} a year ({LABELS[band]} from {bound})",
        )


class Recurring(_Rule):
    code, scope = "recurring", Scope.FINDING

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        if not facts.cadence:
            return None
        return self.reason(1, f"recurring: {facts.cadence} charges ({facts.charges} so far)")


class PersonalCard(_Rule):
    code, scope = "personal_card", Scope.FINDING

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        if not facts.reimbursed:
            return None
        return self.reason(1, "reimbursed: paid on a personal card and expensed")


class Reseller(_Rule):
    code, scope = "reseller", Scope.FINDING

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        if not facts.via_reseller:
            return None
        return self.reason(1, "bought through a reseller (merchant of record)")


class SeveralDepartments(_Rule):
    code, scope = "several_departments", Scope.VENDOR

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        if facts.vendor.departments <= 1:
            return None
        return self.reason(1, f"bought separately by {facts.vendor.departments} departments")


class SanctionedOverlap(_Rule):
    code, scope = "sanctioned_overlap", Scope.VENDOR

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        if not facts.vendor.overlap:
            return None
        job = f" ({facts.vendor.function_label})" if facts.vendor.function_label else ""
        return self.reason(
            1, f"overlap: IT already pays for {', '.join(facts.vendor.overlap)}{job}"
        )


class CategoryRisk(_Rule):
    code, scope = "category_risk", Scope.VENDOR

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        why = model.risky_categories.get(facts.vendor.category or "")
        if why is None:
            return None
        return self.reason(1, f"data risk: {why}")


class NewVendor(_Rule):
    code, scope = "new_vendor", Scope.VENDOR

    def evaluate(self, facts: Facts, model: Model) -> Reason | None:
        first = facts.vendor.first_seen
        if first is None or (facts.today - first).days > model.new_vendor_days:
            return None
        return self.reason(1, f"new vendor: first seen {first.isoformat()}")


# In the order findings show their reasons.
RULES: tuple[Rule, ...] = (
    AnnualSpend(),
    Recurring(),
    PersonalCard(),
    Reseller(),
    SeveralDepartments(),
    SanctionedOverlap(),
    CategoryRisk(),
    NewVendor(),
)
CAP_CODE = "signals_capped"


def assess(facts: Facts, model: Model) -> Assessment:
    reasons: list[Reason] = []
    signals = 0
    for rule in RULES:
        found = rule.evaluate(facts, model)
        if found is None:
            continue
        reasons.append(found)
        if rule.signal:
            signals += found.points
    if signals > model.max_signal_points:
        reasons.append(
            Reason(
                code=CAP_CODE,
                points=model.max_signal_points - signals,
                scope=Scope.FINDING,
                text=f"the other signals count for {model.max_signal_points} points at most",
            )
        )
    score = sum(r.points for r in reasons)
    rank = min(len(LABELS) - 1, score // POINTS_PER_LABEL)
    return Assessment(label=LABELS[rank], rank=rank, score=score, reasons=tuple(reasons))


def vendor_reasons(vendor: VendorFacts, today: date, model: Model) -> list[dict[str, Any]]:
    """The reasons a finding takes from its vendor, as stored: a finding whose stored vendor
    reasons differ from these is out of date."""
    facts = Facts(today=today, vendor=vendor)
    found = (rule.evaluate(facts, model) for rule in RULES if rule.scope is Scope.VENDOR)
    return [reason.as_json() for reason in found if reason is not None]


def stored_vendor_reasons(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in reasons if r.get("scope") == Scope.VENDOR.value]


def words(reasons: list[dict[str, Any]]) -> list[str]:
    """The reasons as people read them (capping lines included)."""
    return [str(r.get("text", "")) for r in reasons]
