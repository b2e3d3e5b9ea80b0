"""Closing findings by a decision, and reopening them when the decision is undone.

A finding closes when it is approved (on its own, by a company-wide approval of another of its
vendor's findings, or by IT adding the vendor to the inventory) or dismissed as a wrong match.
A closed finding keeps its totals and severity as they were and the transactions behind it
(:mod:`app.findings.evidence`); ``closed_reason`` says why it closed and ``decision_event_id``
points to the audit event of the decision. Each finding closed by another's decision gets an
audit event of its own that points to it. Only retiring the sanctioned app that covered it
reopens an approved finding.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Conflict
from app.findings import engine, evidence, unrecognised
from app.models import AuditEvent, ClosedReason, Finding, FindingStatus
from app.models.governance import LIVE_STATUSES
from app.outside_it.policy import OutsideItPolicy


def snapshot(f: Finding) -> dict[str, Any]:
    """What an audit event records of a finding before and after a change."""
    return {
        "status": f.status,
        "closed_reason": f.closed_reason,
        "severity": f.severity,
        "total_reporting_minor": f.total_reporting_minor,
        "annual_run_rate_minor": f.annual_run_rate_minor,
        "transaction_count": f.transaction_count,
        "assignee_email": f.assignee_email,
        "snoozed_until": f.snoozed_until.isoformat() if f.snoozed_until else None,
        "cancel_by": f.cancel_by.isoformat() if f.cancel_by else None,
        "version": f.version,
    }


def claim(session: Session, f: Finding, expected: int) -> None:
    """Compare-and-set on the version: a racing writer that committed first makes this 409."""
    result = session.execute(
        update(Finding)
        .where(col(Finding.id) == f.id, col(Finding.version) == expected)
        .values(version=expected + 1)
    )
    if getattr(result, "rowcount", 1) != 1:
        raise Conflict(f"finding {f.id} was changed by someone else; reload and decide again")
    f.version = expected + 1


def close(session: Session, f: Finding, status: FindingStatus, reason: ClosedReason) -> None:
    """Keep ``f``'s evidence and mark it closed (its totals are brought current first, so
    that they are the sum of the evidence). The caller has claimed it and audits it."""
    engine.refresh(session, [f.vendor_id], candidates=[f.candidate_name])
    evidence.freeze(session, f)
    f.status = status
    f.closed_reason = reason
    f.snoozed_until = None
    f.decided_at = utcnow()
    f.updated_at = f.decided_at
    session.add(f)


def record(
    session: Session,
    actor: Principal,
    action: str,
    f: Finding,
    *,
    before: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    comment: str | None = None,
) -> AuditEvent:
    event = audit_service.record(
        session,
        actor,
        action,
        "finding",
        f.id,
        before=before,
        after={**snapshot(f), **(extra or {})},
        comment=comment,
    )
    session.flush()
    return event


def live_findings(session: Session, vendor_id: int, department_id: int | None) -> list[Finding]:
    """The vendor's live findings, in one department or (``department_id`` None) all."""
    stmt = select(Finding).where(
        col(Finding.vendor_id) == vendor_id, col(Finding.status).in_(LIVE_STATUSES)
    )
    if department_id is not None:
        stmt = stmt.where(col(Finding.department_id) == department_id)
    return list(session.exec(stmt.order_by(col(Finding.id))))


def approve_all(
    session: Session,
    actor: Principal,
    vendor_id: int,
    department_id: int | None,
    *,
    reason: ClosedReason,
    cause: AuditEvent,
    comment: str,
    extra: dict[str, Any] | None = None,
) -> list[Finding]:
    """Close the vendor's live findings in scope as approved because of the decision audited
    as ``cause``: each keeps its evidence and gets its own audit event pointing to it."""
    closed = []
    for f in live_findings(session, vendor_id, department_id):
        before = snapshot(f)
        claim(session, f, f.version)
        close(session, f, FindingStatus.APPROVED, reason)
        f.decision_event_id = cause.id
        record(
            session,
            actor,
            "finding.approved",
            f,
            before=before,
            extra={"decision_event_id": cause.id, **(extra or {})},
            comment=comment,
        )
        closed.append(f)
    return closed


def reopen_unsanctioned(
    session: Session,
    actor: Principal,
    vendor_id: int,
    department_id: int | None,
    *,
    cause: AuditEvent,
    comment: str,
) -> list[Finding]:
    """After a sanctioned app was retired: the vendor's approved findings in scope whose
    (vendor, department) no longer is sanctioned, and has no live finding, open again (the
    newest of each); they then follow their spend like any live finding."""
    policy = OutsideItPolicy(session)
    taken = {(f.vendor_id, f.department_id) for f in live_findings(session, vendor_id, None)}
    stmt = select(Finding).where(
        col(Finding.vendor_id) == vendor_id, col(Finding.status) == FindingStatus.APPROVED
    )
    if department_id is not None:
        stmt = stmt.where(col(Finding.department_id) == department_id)
    reopened = []
    for f in session.exec(stmt.order_by(col(Finding.id).desc())).all():
        key = (f.vendor_id, f.department_id)
        if key in taken or policy.is_sanctioned(f.vendor_id, f.department_id):
            continue
        taken.add(key)
        before = snapshot(f)
        claim(session, f, f.version)
        evidence.drop(session, f)
        f.status = FindingStatus.OPEN
        f.closed_reason = None
        f.decision_event_id = None
        f.updated_at = utcnow()
        session.add(f)
        record(
            session,
            actor,
            "finding.reopened",
            f,
            before=before,
            extra={"reopened_by_event_id": cause.id},
            comment=comment,
        )
        reopened.append(f)
    engine.refresh(session, [vendor_id])
    return reopened


def reject_candidate(
    session: Session, actor: Principal, name: str, *, rule_id: int | None, comment: str
) -> list[Finding]:
    """IT rejected the candidate vendor ``name`` as not software: its live findings close as
    dismissed, each keeping its evidence, with an audit event of its own. Call it before
    the rows are re-classified off the candidate."""
    closed = []
    for f in unrecognised.live_findings(session, name):
        before = snapshot(f)
        claim(session, f, f.version)
        close(session, f, FindingStatus.DISMISSED, ClosedReason.NOT_SOFTWARE)
        event = record(
            session,
            actor,
            "finding.dismissed",
            f,
            before=before,
            extra={"candidate_rejected": name, "match_rule_id": rule_id},
            comment=comment,
        )
        f.decision_event_id = event.id
        session.add(f)
        closed.append(f)
    session.flush()
    return closed


def adopt_candidate(
    session: Session, actor: Principal, name: str, vendor_id: int, *, comment: str
) -> list[Finding]:
    """The candidate ``name`` was confirmed as vendor ``vendor_id``: its live findings become
    the vendor's, as they are (status, assignee, history), each audited. Call it before the
    rows are re-classified onto the vendor, whose refresh then brings their totals current."""
    moved = []
    for f in unrecognised.live_findings(session, name):
        before = {**snapshot(f), "vendor_id": None, "candidate_name": name}
        claim(session, f, f.version)
        f.vendor_id = vendor_id
        f.candidate_name = None
        f.updated_at = utcnow()
        session.add(f)
        record(
            session,
            actor,
            "finding.vendor_confirmed",
            f,
            before=before,
            extra={"vendor_id": vendor_id, "candidate_name": None, "candidate": name},
            comment=comment,
        )
        moved.append(f)
    session.flush()
    return moved
