"""A live finding's columns from its outside-IT charges per day, and keeping them current.

Shared by the findings of catalog vendors (:mod:`app.findings.engine`, from ``finding_days``)
and those of candidate vendors (:mod:`app.findings.unrecognised`, from their rows): both fold
day rows into aggregates, assess them the same way, and create, update or retire findings
the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from app.db import utcnow
from app.findings import severity
from app.insights import cadence as cadence_mod
from app.models import Finding, FindingStatus

YEAR_DAYS = 365


@dataclass
class RefreshResult:
    created: list[int] = field(default_factory=list)
    updated: int = 0
    removed: int = 0
    escalated: list[int] = field(default_factory=list)  # became high or critical


def accumulate(
    rows: Iterable[Any], today: date
) -> tuple[dict[Any, list[Any]], dict[Any, list[tuple[date, int]]]]:
    """Fold day rows ``(key, department key, day, n, amount, positive, reimbursed, resold)``,
    ordered by key and day, into per-(key, department) aggregates and charges per day (see
    :func:`_read_days`); a department key of 0 is no department."""
    year_ago = date.fromordinal(today.toordinal() - YEAR_DAYS)
    aggregates: dict[Any, list[Any]] = {}
    charges: dict[Any, list[tuple[date, int]]] = defaultdict(list)
    for vid, dkey, day, n, amount, positive, reimbursed, resold in rows:
        if not isinstance(day, date):
            day = date.fromisoformat(day)
        key = (vid, dkey or None)
        recent = amount if year_ago < day <= today else 0
        agg = aggregates.get(key)
        if agg is None:
            aggregates[key] = [n, amount, day, day, reimbursed, resold, recent]
        else:
            agg[0] += n
            agg[1] += amount
            agg[3] = day
            agg[4] += reimbursed
            agg[5] += resold
            agg[6] += recent
        if positive > 0:
            charges[key].append((day, positive))
    return aggregates, charges


def assess(
    agg: list[Any],
    charges: list[tuple[date, int]],
    facts: severity.VendorFacts,
    today: date,
    currency: str,
    model: severity.Model,
) -> dict[str, Any]:
    """A live finding's columns from its aggregate (see :func:`accumulate`) and its charges."""
    count, total, first, last, reimbursed, via_reseller, recent = agg
    cad = cadence_mod.detect(charges, today=today)
    running = cad.kind is not None and not cad.stopped
    # Annualised: a running subscription's run-rate; otherwise what the last year cost.
    annual = cad.annual_run_rate if running else max(0, int(recent or 0))
    assessed = severity.assess(
        severity.Facts(
            today=today,
            annual_spend_minor=annual,
            currency=currency,
            cadence=cad.kind if running else None,
            charges=cad.charges,
            reimbursed=bool(reimbursed),
            via_reseller=bool(via_reseller),
            vendor=facts,
        ),
        model,
    )
    return {
        "severity": assessed.label,
        "severity_rank": assessed.rank,
        "severity_score": assessed.score,
        "severity_reasons": assessed.reasons_json(),
        "total_reporting_minor": int(total or 0),
        "reporting_currency": currency,
        "transaction_count": int(count),
        "first_seen_date": first,
        "last_seen_date": last,
        "cadence": cad.kind if running else None,
        "annual_run_rate_minor": annual,
    }


def save(
    session: Session,
    finding: Finding | None,
    values: dict[str, Any],
    key: dict[str, Any],
    result: RefreshResult,
) -> None:
    """Create the finding (``key`` names it) or bring ``finding`` to ``values``."""
    rank = values["severity_rank"]
    if finding is None:
        finding = Finding(**key, **values)
        session.add(finding)
        session.flush()
        assert finding.id is not None
        result.created.append(finding.id)
        if rank >= 2:
            result.escalated.append(finding.id)
        return
    was = finding.severity_rank
    if any(getattr(finding, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(finding, k, v)
        finding.updated_at = utcnow()
        session.add(finding)
        result.updated += 1
        if rank >= 2 and rank > was and finding.id is not None:
            result.escalated.append(finding.id)


def retire(session: Session, finding: Finding, result: RefreshResult) -> None:
    """A live finding with nothing outside IT left behind it."""
    untouched = (
        finding.status == FindingStatus.OPEN
        and finding.assignee_email is None
        and finding.version == 1
    )
    if untouched:
        # Nobody looked at it and nothing outside IT is left behind it (its rows were
        # removed, re-classified by a rule, or moved inside IT by a department or channel
        # marked IT). Decisions never end here: they close the finding first.
        session.delete(finding)
        result.removed += 1
    elif finding.transaction_count:
        # Live, touched (assigned, snoozed, rejected), and nothing outside IT is left:
        # a live finding's totals are always the sum of its outside-IT transactions.
        finding.transaction_count = 0
        finding.total_reporting_minor = 0
        finding.annual_run_rate_minor = 0
        finding.cadence = None
        finding.updated_at = utcnow()
        session.add(finding)
        result.updated += 1
