"""IT's review of findings: list, inspect, decide, assign, comment — every change audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.classification import service as classification_service
from app.db import utcnow
from app.errors import AppError, Conflict, Forbidden, NotFound, Unprocessable
from app.findings import closing, engine, evidence, severity
from app.findings import reclassify as reclassify_service
from app.findings.schemas import (
    BulkDecisionRequest,
    BulkResult,
    ClosedBy,
    CommentPublic,
    DecisionRequest,
    DeclaredBy,
    FindingDetail,
    FindingPublic,
    Ref,
    SeverityReason,
    VendorRef,
)
from app.kit import lookup
from app.kit.pagination import PageParams, paginate
from app.models import (
    AuditEvent,
    ClosedReason,
    Department,
    Finding,
    FindingStatus,
    MatchRule,
    Registration,
    SanctionedApp,
    Transaction,
    Vendor,
)
from app.models.governance import CLOSED_STATUSES
from app.outside_it import service as outside
from app.search import contains
from app.transactions import service as transaction_service
from app.vendors import service as vendor_service
from connectors.money import format_minor


@dataclass(frozen=True)
class FindingFilter:
    status: str | None = None
    severity: str | None = None
    department_id: int | None = None
    category: str | None = None
    vendor_id: int | None = None
    unrecognised: bool | None = None
    min_spend_minor: int | None = None
    q: str | None = None
    sort: str = "severity"


# The audit action each decision writes. (Before 2026-11-23 reject and dismiss wrote
# "finding.rejectd" and "finding.dismissd"; the audit log is append-only, so readers accept
# both.)
DECISION_ACTIONS: dict[str, str] = {
    "approve": "finding.approved",
    "reject": "finding.rejected",
    "dismiss": "finding.dismissed",
    "snooze": "finding.snoozed",
}
_WITH = {"approve": "approved company-wide", "dismiss": "dismissed"}
CLOSED_WORDS = {
    ClosedReason.APPROVED: "approved",
    ClosedReason.APPROVED_COMPANY_WIDE: "approved with another finding's company-wide approval",
    ClosedReason.SANCTIONED: "approved: IT added the vendor to its sanctioned inventory",
    ClosedReason.WRONG_MATCH: "dismissed: the charges were not this vendor's software",
    ClosedReason.NOT_SOFTWARE: "dismissed: IT rejected the candidate vendor as not software",
}


def get(session: Session, finding_id: int, principal: Principal | None = None) -> Finding:
    row = session.get(Finding, finding_id)
    if row is None:
        raise NotFound(f"finding {finding_id} does not exist")
    if principal is not None and principal.scoped and row.department_id != principal.department_id:
        raise Forbidden("this key is scoped to another department")
    return row


_SIGNATURE_SQL = (
    "SELECT (SELECT count(*) FROM findings), (SELECT max(id) FROM findings),"
    " (SELECT max(updated_at) FROM findings), (SELECT count(*) FROM registrations),"
    " (SELECT max(updated_at) FROM registrations),"
    # Every change to what a finding shows beside its own row (a vendor or department renamed,
    # a rule, the sanctioned inventory) is audited: the newest event stands for all of them.
    " (SELECT max(id) FROM audit_events)"
)


def signature(session: Session) -> tuple[object, ...]:
    """Changes whenever a finding or a registration is created, changed or deleted, and
    whenever anything audited happens (a vendor or department renamed, for one).

    The findings list asks it on every request, cached or not: one statement of index and
    small-table lookups, sent as plain SQL on the session's connection (compiling even a
    cached SQLAlchemy statement costs more than SQLite takes to answer it). The values are
    only compared, never interpreted, so the driver's raw types do."""
    return tuple(session.connection().exec_driver_sql(_SIGNATURE_SQL).one())


def wake_snoozed(session: Session, today: date | None = None) -> int:
    """Snoozed findings whose date has come are open again."""
    today = today or utcnow().date()
    result = session.execute(
        update(Finding)
        .where(col(Finding.status) == FindingStatus.SNOOZED, col(Finding.snoozed_until) <= today)
        .values(status=FindingStatus.OPEN, snoozed_until=None, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _filtered(stmt: Any, flt: FindingFilter, principal: Principal) -> Any:
    """``stmt`` (over :class:`Finding`) narrowed to what ``flt`` names, under the caller's
    department scope: the one place the list, its totals and the console's CSV read."""
    department_id = principal.department_filter(flt.department_id)
    if flt.status:
        stmt = stmt.where(Finding.status == flt.status)
    if flt.severity:
        stmt = stmt.where(col(Finding.severity).in_(flt.severity.split(",")))
    if department_id is not None:
        stmt = stmt.where(Finding.department_id == department_id)
    if flt.vendor_id is not None:
        stmt = stmt.where(Finding.vendor_id == flt.vendor_id)
    if flt.unrecognised is not None:
        unknown = col(Finding.vendor_id).is_(None)
        stmt = stmt.where(unknown if flt.unrecognised else ~unknown)
    if flt.min_spend_minor is not None:
        stmt = stmt.where(Finding.total_reporting_minor >= flt.min_spend_minor)
    if flt.category or flt.q:
        vendor_q = select(Vendor.id)
        if flt.category:
            vendor_q = vendor_q.where(Vendor.category == flt.category)
        if flt.q:
            vendor_q = vendor_q.where(vendor_service.name_contains(flt.q))
        by_vendor: ColumnElement[bool] = col(Finding.vendor_id).in_(vendor_q)
        if flt.q and not flt.category:
            # Unrecognised software by the name recognition read.
            by_vendor = or_(by_vendor, contains(flt.q, col(Finding.candidate_name)))
        stmt = stmt.where(by_vendor)
    return stmt


@dataclass(frozen=True, slots=True)
class FindingTotals:
    """What the findings under a filter add up to (reporting minor units)."""

    count: int
    total_minor: int
    annual_run_rate_minor: int


def totals(session: Session, flt: FindingFilter, principal: Principal) -> FindingTotals:
    """Count, spend and annual run-rate of every finding :func:`list_findings` pages through
    for ``flt``: the sums of its rows' ``total_minor`` and ``annual_run_rate_minor``."""
    stmt = _filtered(
        sa_select(
            func.count(),
            func.coalesce(func.sum(Finding.total_reporting_minor), 0),
            func.coalesce(func.sum(Finding.annual_run_rate_minor), 0),
        ).select_from(Finding),
        flt,
        principal,
    )
    count, total, run_rate = session.execute(stmt).one()
    return FindingTotals(int(count), int(total), int(run_rate))


def list_findings(
    session: Session, flt: FindingFilter, page: PageParams, principal: Principal
) -> tuple[list[Finding], str | None]:
    stmt = _filtered(select(Finding), flt, principal)
    order = {
        # the label first, then the annualised spend
        "severity": [Finding.severity_rank, Finding.annual_run_rate_minor, Finding.id],
        "spend": [Finding.total_reporting_minor, Finding.id],
        "last_seen": [Finding.last_seen_date, Finding.id],
    }[flt.sort]
    return paginate(session, stmt, page, order, descending=True)  # type: ignore[arg-type]


def to_public(session: Session, rows: list[Finding]) -> list[FindingPublic]:
    vendor_ids = {r.vendor_id for r in rows if r.vendor_id is not None}
    dept_ids = {r.department_id for r in rows if r.department_id is not None}
    reg_ids = {r.registration_id for r in rows if r.registration_id is not None}
    vendors = (
        {
            row.id: row
            for row in session.execute(
                sa_select(
                    col(Vendor.id), col(Vendor.name), col(Vendor.slug), col(Vendor.category)
                ).where(col(Vendor.id).in_(vendor_ids))
            )
        }
        if vendor_ids
        else {}
    )
    depts = lookup.names_by_id(session, Department, dept_ids)
    causes = _decision_events(session, {r.decision_event_id for r in rows} - {None})
    regs = (
        {
            r.id: r
            for r in session.exec(select(Registration).where(col(Registration.id).in_(reg_ids)))
        }
        if reg_ids
        else {}
    )
    out = []
    for f in rows:
        assert f.id is not None
        v = vendors.get(f.vendor_id)
        reg = regs.get(f.registration_id) if f.registration_id else None
        declared = None
        if reg is not None and reg.id is not None:
            dept_name = depts.get(reg.department_id) or "a business team"
            on = reg.created_at.date()
            declared = DeclaredBy(
                registration_id=reg.id,
                department=dept_name,
                declared_on=on,
                owner_email=reg.owner_email,
                text=f"declared by {dept_name} on {on.isoformat()}",
            )
        cur = f.reporting_currency
        out.append(
            FindingPublic(
                id=f.id,
                vendor=VendorRef(
                    id=f.vendor_id,
                    name=v.name if v else f.candidate_name,
                    slug=v.slug if v else None,
                    category=v.category if v else None,
                ),
                unrecognised=f.vendor_id is None,
                candidate_name=f.candidate_name,
                department=Ref(
                    id=f.department_id,
                    name=depts.get(f.department_id) if f.department_id else None,
                ),
                status=f.status,
                severity=f.severity,
                severity_score=f.severity_score,
                severity_reasons=severity.words(f.severity_reasons or []),
                severity_factors=[
                    SeverityReason.model_validate(r) for r in f.severity_reasons or []
                ],
                reporting_currency=cur,
                total_minor=f.total_reporting_minor,
                total=format_minor(f.total_reporting_minor, cur),
                annual_run_rate_minor=f.annual_run_rate_minor,
                annual_run_rate=format_minor(f.annual_run_rate_minor, cur),
                transaction_count=f.transaction_count,
                first_seen_date=f.first_seen_date,
                last_seen_date=f.last_seen_date,
                cadence=f.cadence,
                declared=declared,
                assignee_email=f.assignee_email,
                snoozed_until=f.snoozed_until,
                cancel_by=f.cancel_by,
                version=f.version,
                created_at=f.created_at,
                updated_at=f.updated_at,
                decided_at=f.decided_at,
                closed_reason=f.closed_reason,
                closed_by=_closed_by(f, causes.get(f.decision_event_id)),
            )
        )
    return out


def _decision_events(session: Session, ids: set[int | None]) -> dict[int | None, AuditEvent]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return {e.id: e for e in session.exec(select(AuditEvent).where(col(AuditEvent.id).in_(wanted)))}


def _closed_by(f: Finding, event: AuditEvent | None) -> ClosedBy | None:
    if f.closed_reason is None:
        return None
    text = CLOSED_WORDS.get(ClosedReason(f.closed_reason), f.closed_reason)
    finding_id = None
    cause = event.entity_id if event is not None else None
    if event is not None and event.entity_type == "finding" and cause and cause != str(f.id):
        finding_id = int(cause) if cause.isdigit() else None
        text = (
            f"dismissed with finding {cause}: the same descriptors were not this vendor's"
            if f.closed_reason == ClosedReason.WRONG_MATCH
            else f"approved company-wide with finding {cause}"
        )
    if event is not None and event.entity_type == "sanctioned_app":
        text = f"approved: IT added the vendor to its sanctioned inventory (app {event.entity_id})"
    if event is not None:
        text += f", by {event.actor_name or 'someone'} on {event.at.date().isoformat()}"
    return ClosedBy(
        reason=f.closed_reason,
        event_id=f.decision_event_id,
        finding_id=finding_id,
        at=event.at if event else f.decided_at,
        actor=event.actor_name if event else None,
        text=text,
    )


def detail(session: Session, f: Finding) -> FindingDetail:
    public = to_public(session, [f])[0]
    txs = transaction_service.to_public(evidence.transactions(session, f), session)
    events = session.exec(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "finding", AuditEvent.entity_id == str(f.id))
        .order_by(col(AuditEvent.id))
    ).all()
    history = [
        CommentPublic(
            at=e.at, actor=e.actor_name, role=e.actor_role, action=e.action, comment=e.comment
        )
        for e in events
    ]
    return FindingDetail(**public.model_dump(), transactions=txs, history=history)


def _check_version(f: Finding, version: int | None) -> None:
    if version is not None and version != f.version:
        raise Conflict(
            f"finding {f.id} changed since you read it (version {version}, now {f.version}); "
            "reload and decide again",
            extra={"current_version": f.version},
        )


def decide(
    session: Session,
    f: Finding,
    req: DecisionRequest,
    actor: Principal,
    version: int | None,
    *,
    deferred_refresh: set[int] | None = None,
    closed_with: dict[int, int] | None = None,
) -> Finding:
    """Apply one decision. Approve and dismiss close the finding: it keeps its evidence and
    totals as they are now. A company-wide approval closes the vendor's other live findings
    too, each with its own audit event pointing to this decision (their ids are added to
    ``closed_with``, mapped to this finding's). With ``deferred_refresh`` the (costly)
    recompute of what is outside IT is left to the caller, which does it once for every vendor
    collected there."""
    _check_version(f, version if version is not None else req.version)
    vendor_id = f.vendor_id
    if vendor_id is None and req.decision in ("approve", "dismiss"):
        # Unrecognised software: there is no vendor to sanction or to correct yet.
        raise Unprocessable(
            f"finding {f.id} is unrecognised software ({f.candidate_name!r}, a candidate "
            f"vendor): to {req.decision} it, "
            + (
                "confirm the candidate first (POST /api/v1/vendors/candidates/confirm), then "
                "approve the new vendor's finding"
                if req.decision == "approve"
                else "reject the candidate (POST /api/v1/vendors/candidates/reject)"
            )
        )
    if f.status in CLOSED_STATUSES:
        undo = " (retire the sanctioned app to reopen it)" if f.status == "approved" else ""
        raise Conflict(
            f"finding {f.id} is closed ({f.status}); its decision is kept as history{undo}"
        )
    company = req.decision == "approve" and req.scope == "company"
    if company and actor.scoped:
        raise Forbidden("a department-scoped key approves for its own department only")
    if req.decision == "dismiss" and actor.scoped:
        # The match rules it writes and the re-classification reach every department.
        raise Forbidden(
            "dismissing as a wrong match writes company-wide match rules; use a key without a "
            "department scope"
        )
    before = closing.snapshot(f)
    # Claim the finding first: a racing decision fails here, before any side effect.
    closing.claim(session, f, f.version)
    today = utcnow().date()
    extra: dict[str, Any] = {}
    along: Along = []
    if req.decision == "approve":
        assert vendor_id is not None
        closing.close(session, f, FindingStatus.APPROVED, ClosedReason.APPROVED)
        app = sanction(session, vendor_id, None if company else f.department_id)
        extra["sanctioned_app_id"] = app.id
    elif req.decision == "reject":
        if req.cancel_by is not None and req.cancel_by < today:
            raise Unprocessable("cancel_by is in the past")
        f.status = FindingStatus.REJECTED
        f.cancel_by = req.cancel_by
        f.snoozed_until = None
    elif req.decision == "snooze":
        assert req.snooze_until is not None
        if req.snooze_until <= today:
            raise Unprocessable("snooze_until must be in the future")
        f.status = FindingStatus.SNOOZED
        f.snoozed_until = req.snooze_until
    else:  # dismiss as a wrong match
        closing.close(session, f, FindingStatus.DISMISSED, ClosedReason.WRONG_MATCH)
        assert vendor_id is not None
        dismissed, along = _dismiss(session, f, vendor_id, req, actor)
        extra.update(dismissed)
    f.decided_at = utcnow()
    f.updated_at = utcnow()
    session.add(f)
    event = closing.record(
        session,
        actor,
        DECISION_ACTIONS[req.decision],
        f,
        before=before,
        extra=extra,
        comment=req.comment,
    )
    if f.status in CLOSED_STATUSES:
        f.decision_event_id = event.id
        session.add(f)
    assert f.id is not None
    for other, other_before in along:
        other.decision_event_id = event.id
        closing.record(
            session,
            actor,
            DECISION_ACTIONS[req.decision],
            other,
            before=other_before,
            extra={"decision_event_id": event.id, "decided_with_finding_id": f.id},
            comment=f"dismissed with finding {f.id}: the same descriptors",
        )
        if closed_with is not None and other.id is not None:
            closed_with[other.id] = f.id
    if company:
        assert vendor_id is not None
        siblings = closing.approve_all(
            session,
            actor,
            vendor_id,
            None,
            reason=ClosedReason.APPROVED_COMPANY_WIDE,
            cause=event,
            comment=f"approved company-wide with finding {f.id}",
            extra={"decided_with_finding_id": f.id},
        )
        if closed_with is not None:
            closed_with.update({s.id: f.id for s in siblings if s.id is not None})
    if req.decision == "approve" and vendor_id is not None:
        # Sanctioning changes which rows are outside IT; refresh this vendor's findings.
        if deferred_refresh is not None:
            deferred_refresh.add(vendor_id)
        else:
            refresh_vendors(session, [vendor_id])
    return f


def bulk_decide(
    session: Session, body: BulkDecisionRequest, principal: Principal
) -> list[BulkResult]:
    """One decision for many findings, each in its own savepoint: one that is missing (404),
    was decided by someone else meanwhile (409, against ``body.versions``) or refuses the
    decision (422) fails alone. A finding a company-wide approval earlier in the same request
    already approved answers 200, saying with which. Approved vendors are refreshed once at
    the end. Does not commit."""
    results: list[BulkResult] = []
    decided = []
    single = DecisionRequest(**body.model_dump(exclude={"ids", "version", "versions"}))
    seen = body.versions or {}
    to_refresh: set[int] = set()
    closed_with: dict[int, int] = {}
    for finding_id in dict.fromkeys(body.ids):
        if finding_id in closed_with:
            decided.append(get(session, finding_id, principal))
            results.append(
                BulkResult(
                    id=finding_id,
                    status=200,
                    detail=f"{_WITH[single.decision]} with finding {closed_with[finding_id]}",
                )
            )
            continue
        try:
            with session.begin_nested():
                f = get(session, finding_id, principal)
                these: dict[int, int] = {}
                decide(
                    session,
                    f,
                    single,
                    principal,
                    seen.get(finding_id),
                    deferred_refresh=to_refresh,
                    closed_with=these,
                )
            closed_with.update(these)
            decided.append(f)
            results.append(BulkResult(id=finding_id, status=200))
        except AppError as exc:
            results.append(BulkResult(id=finding_id, status=exc.status, detail=exc.detail))
    refresh_vendors(session, to_refresh)
    public = {p.id: p for p in to_public(session, decided)}
    for item in results:
        item.finding = public.get(item.id)
    return results


def refresh_vendors(session: Session, vendor_ids: Iterable[int]) -> None:
    vendors = sorted(set(vendor_ids))
    if vendors:
        outside.recompute(session, vendors)
        engine.refresh(session, vendors)


def sanction(session: Session, vendor_id: int, department_id: int | None) -> SanctionedApp:
    """The active sanctioned-app row covering (vendor, department), created if missing."""
    stmt = select(SanctionedApp).where(
        SanctionedApp.vendor_id == vendor_id, SanctionedApp.status == "active"
    )
    for app in session.exec(stmt):
        if app.department_id is None or app.department_id == department_id:
            return app
    app = SanctionedApp(vendor_id=vendor_id, department_id=department_id)
    session.add(app)
    session.flush()
    return app


Along = list[tuple[Finding, dict[str, Any]]]  # findings closed with another, and their before


def _dismiss(
    session: Session, f: Finding, vendor_id: int, req: DecisionRequest, actor: Principal
) -> tuple[dict[str, Any], Along]:
    """Rules that send the descriptors behind ``f`` to the right answer, and the
    re-classification. The vendor's other live findings whose every charge carries one of
    those descriptors would lose them all to the rules: they close with ``f`` (returned, with
    their state before, for the caller to audit)."""
    if req.correct_vendor_id is not None:
        if req.correct_vendor_id == vendor_id:
            raise Unprocessable("correct_vendor_id is the vendor the finding already has")
        if session.get(Vendor, req.correct_vendor_id) is None:
            raise Unprocessable(f"vendor {req.correct_vendor_id} does not exist")
    ctx = classification_service.get_context(session)
    rows = evidence.transactions(session, f, limit=5000)

    # One exact rule per distinct normalised descriptor behind the finding: precise, and it
    # also catches the same descriptor on future statements.
    def normalised(row: Transaction) -> str:
        return ctx.classifier.classify(row.descriptor).normalised

    patterns = sorted({normalised(r) for r in rows} - {""})[:50]
    if not patterns:
        raise Unprocessable("the finding has no transactions to correct")
    along: Along = []
    for other in closing.live_findings(session, vendor_id, None):
        theirs = evidence.transactions(session, other, limit=5000)
        if theirs and all(normalised(r) in patterns for r in theirs):
            before = closing.snapshot(other)
            closing.claim(session, other, other.version)
            closing.close(session, other, FindingStatus.DISMISSED, ClosedReason.WRONG_MATCH)
            along.append((other, before))
    rule_ids = []
    for pattern in patterns:
        rule = MatchRule(
            pattern=pattern[:300],
            kind="exact",
            vendor_id=req.correct_vendor_id,
            priority=50,
            comment=f"dismissed finding {f.id} as a wrong match",
            created_by=actor.name,
        )
        session.add(rule)
        session.flush()
        rule_ids.append(rule.id)
        audit_service.record(
            session,
            actor,
            "rule.created",
            "match_rule",
            rule.id,
            after={"pattern": rule.pattern, "kind": "exact", "vendor_id": rule.vendor_id},
            comment=f"from dismissing finding {f.id}",
        )
    classification_service.invalidate_cache()
    result = reclassify_service.reclassify(session, vendor_ids=[vendor_id])
    return {"rules_created": rule_ids, "reclassified": result.changed}, along


def assign(
    session: Session, f: Finding, email: str | None, actor: Principal, version: int | None
) -> Finding:
    _check_version(f, version)
    before = closing.snapshot(f)
    expected = f.version
    f.assignee_email = email
    f.updated_at = utcnow()
    closing.claim(session, f, expected)
    session.add(f)
    audit_service.record(
        session,
        actor,
        "finding.assigned",
        "finding",
        f.id,
        before=before,
        after=closing.snapshot(f),
    )
    return f


def comment(session: Session, f: Finding, text: str, actor: Principal) -> AuditEvent:
    return audit_service.record(session, actor, "finding.commented", "finding", f.id, comment=text)
