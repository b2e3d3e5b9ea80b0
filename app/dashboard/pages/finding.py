"""One finding: its facts, the transactions behind it, its history, and the review forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy import select as sa_select
from sqlmodel import col

from app.api.deps import SessionDep
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.dashboard import queries
from app.dashboard.render import error_page, fragment_viewer, page_viewer, redirect, render
from app.dashboard.review import ACTION_LABELS, DONE_CODES, poster, refusal
from app.db import utcnow
from app.errors import AppError
from app.findings import service as findings_service
from app.findings.schemas import CommentRequest, DecisionRequest, FindingPublic, FindingUpdate
from app.models import Finding, Vendor
from app.transactions import service as transactions_service
from app.vendors import service as vendor_service

router = APIRouter(include_in_schema=False)
VENDOR_CHOICES = 15


def _finding_drilldown(f: Finding) -> str:
    """A live finding's rows in the transactions list: its outside-IT rows over the days it
    spans (the list would otherwise show the default period only). Unrecognised software has
    no vendor to filter by: its rows are listed on its own page."""
    if f.vendor_id is None:
        return f"/findings/{f.id}#evidence"
    return queries.transactions_url(
        transactions_service.TransactionFilter(
            date_from=f.first_seen_date, date_to=f.last_seen_date
        ),
        vendor_id=f.vendor_id,
        department_id=f.department_id,
        outside_it=True,
    )


@dataclass(frozen=True, slots=True)
class VendorChoice:
    id: int
    name: str
    category: str | None
    domain: str | None


def _vendor_choices(
    session: SessionDep, q: str, exclude: int | None
) -> tuple[list[VendorChoice], bool]:
    """Catalog vendors whose name or slug contains ``q``: exact name first, then names that
    start with it, then shortest. Also says whether more matched than are shown."""
    if not q.strip():
        return [], False
    stmt = sa_select(
        col(Vendor.id), col(Vendor.name), col(Vendor.category), col(Vendor.domains)
    ).where(vendor_service.name_contains(q))
    if exclude is not None:
        stmt = stmt.where(col(Vendor.id) != exclude)
    stmt = stmt.order_by(*vendor_service.closest_first(q)).limit(VENDOR_CHOICES + 1)
    rows = session.execute(stmt).all()
    choices = [
        VendorChoice(id=r[0], name=r[1], category=r[2], domain=(r[3] or [None])[0])
        for r in rows[:VENDOR_CHOICES]
    ]
    return choices, len(rows) > VENDOR_CHOICES


def _done_notice(done: str, f: FindingPublic, principal: Principal) -> str:
    vendor = f.vendor.name or "this vendor"
    said = {
        "approve": f"Approved: {vendor} is now sanctioned for "
        f"{f.department.name or 'this department'}.",
        "approve-company": f"Approved company-wide: {vendor} is now sanctioned for every "
        "department.",
        "reject": "Rejected"
        + (f"; the tool is to be cancelled by {f.cancel_by.isoformat()}" if f.cancel_by else "")
        + ".",
        "dismiss": "Dismissed as a wrong match: match rules now send these descriptors to the "
        "right answer, and the transactions were re-classified.",
        "snooze": f"Snoozed until {f.snoozed_until.isoformat()}."
        if f.snoozed_until
        else "Snoozed.",
        "assign": f"Owner set to {f.assignee_email}." if f.assignee_email else "Owner removed.",
        "comment": "Comment added.",
    }[done]
    return f"{said} Recorded in the history below as {principal.name}."


def _finding_response(
    request: Request,
    session: SessionDep,
    principal: Principal,
    f: Finding,
    *,
    status_code: int = 200,
    done: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    vendor_q: str = "",
) -> HTMLResponse:
    detail = findings_service.detail(session, f)
    notice = _done_notice(done, detail, principal) if done else None
    if status_code == 409 and error is not None:
        last = detail.history[-1] if detail.history else None
        error = (
            "Someone else changed this finding while you had it open"
            + (f" ({ACTION_LABELS.get(last.action, last.action)} by {last.actor})" if last else "")
            + f"; it is now {detail.status}. Nothing was changed: check it below and decide again."
        )
        if form and form.get("comment", "").strip():
            error += f" Your comment was not saved: “{form['comment'].strip()}”."
    vendors, more_vendors = _vendor_choices(session, vendor_q, f.vendor_id)
    today = utcnow().date()
    return render(
        request,
        "finding.html",
        principal,
        status_code=status_code,
        finding=detail,
        drilldown=_finding_drilldown(f),
        can_decide=allowed(principal.role, Perm.FINDINGS_DECIDE, scoped=principal.scoped),
        notice=notice,
        error=error,
        form=form or {},
        vendor_q=vendor_q,
        vendors=vendors,
        more_vendors=more_vendors,
        today=today,
        tomorrow=today + timedelta(days=1),
    )


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding_page(
    finding_id: int,
    request: Request,
    session: SessionDep,
    done: Annotated[str | None, Query(pattern=DONE_CODES)] = None,
    vendor_q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    principal = page_viewer(request, session, Perm.FINDINGS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        f = findings_service.get(session, finding_id, principal)
    except AppError as exc:
        return error_page(request, principal, exc)
    return _finding_response(
        request,
        session,
        principal,
        f,
        done=done,
        vendor_q=vendor_q,
        form={"open": "dismiss"} if vendor_q else None,
    )


@router.get("/fragments/vendor-options", response_class=HTMLResponse)
def vendor_options_fragment(
    request: Request,
    session: SessionDep,
    finding: int,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The dismiss form's vendor choices for ``q``, fetched as IT types (the search button
    reloads the whole page with the same list when there is no script)."""
    principal = fragment_viewer(request, session, Perm.FINDINGS_DECIDE)
    if not isinstance(principal, Principal):
        return principal
    try:
        f = findings_service.get(session, finding, principal)
    except AppError as exc:
        return Response(status_code=exc.status, headers={"Cache-Control": "no-store"})
    vendors, more_vendors = _vendor_choices(session, q, f.vendor_id)
    return render(
        request,
        "_vendor_options.html",
        principal,
        vendors=vendors,
        more_vendors=more_vendors,
        vendor_q=q,
        form={},
    )


def _act_on_finding(
    request: Request,
    session: SessionDep,
    finding_id: int,
    csrf_token: str,
    form: dict[str, str],
    act: Callable[[Finding, Principal], str],
) -> Response:
    """Run one review action and commit, then show the finding saying what was done; or roll
    back and show the finding again with the reason and the form as it was sent."""
    principal = poster(request, session, csrf_token, f"/findings/{finding_id}")
    if not isinstance(principal, Principal):
        return principal
    try:
        f = findings_service.get(session, finding_id, principal)
    except AppError as exc:
        return error_page(request, principal, exc)
    try:
        done = act(f, principal)
    except (AppError, ValidationError) as exc:
        session.rollback()
        return _finding_response(
            request,
            session,
            principal,
            findings_service.get(session, finding_id, principal),
            status_code=exc.status if isinstance(exc, AppError) else 422,
            error=refusal(exc),
            form=form,
            vendor_q=form.get("vendor_q", ""),
        )
    session.commit()
    return redirect(f"/findings/{finding_id}?done={done}")


@router.post("/findings/{finding_id}/decision")
def finding_decision(
    finding_id: int,
    request: Request,
    session: SessionDep,
    decision: Annotated[str, Form(pattern="^(approve|reject|dismiss|snooze)$")],
    version: Annotated[int, Form()],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    scope: Annotated[str, Form(pattern="^(department|company)$")] = "department",
    cancel_by: Annotated[str, Form(max_length=20)] = "",
    snooze_until: Annotated[str, Form(max_length=20)] = "",
    correct_vendor: Annotated[str, Form(max_length=20)] = "",
    vendor_q: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Decide on a finding from its page, by the API's rules: approve (this department or
    company-wide), reject (optional cancel-by date), dismiss as a wrong match (the right
    vendor, or ``correct_vendor=not-software``) or snooze. ``version`` is the one the page
    showed; if someone decided in between, nothing changes and the page says so (409)."""
    form = {
        "open": decision,
        "comment": comment,
        "scope": scope,
        "cancel_by": cancel_by,
        "snooze_until": snooze_until,
        "correct_vendor": correct_vendor,
        "vendor_q": vendor_q,
    }

    def act(f: Finding, principal: Principal) -> str:
        body: dict[str, Any] = {
            "decision": decision,
            "version": version,
            "comment": comment.strip() or None,
        }
        if decision == "approve":
            body["scope"] = scope
        elif decision == "reject":
            body["cancel_by"] = cancel_by or None
        elif decision == "snooze":
            body["snooze_until"] = snooze_until or None
        elif correct_vendor == "not-software":
            body["not_software"] = True
        elif correct_vendor:
            body["correct_vendor_id"] = correct_vendor
        findings_service.decide(
            session, f, DecisionRequest.model_validate(body), principal, version
        )
        return "approve-company" if decision == "approve" and scope == "company" else decision

    return _act_on_finding(request, session, finding_id, csrf_token, form, act)


@router.post("/findings/{finding_id}/assign")
def finding_assign(
    finding_id: int,
    request: Request,
    session: SessionDep,
    version: Annotated[int, Form()],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    assignee_email: Annotated[str, Form(max_length=320)] = "",
) -> Response:
    """Set the finding's owner (an empty email removes it); 409 on a stale version."""
    form = {"open": "assign", "assignee_email": assignee_email}

    def act(f: Finding, principal: Principal) -> str:
        body = FindingUpdate.model_validate(
            {"assignee_email": assignee_email.strip() or None, "version": version}
        )
        findings_service.assign(session, f, body.assignee_email, principal, version)
        return "assign"

    return _act_on_finding(request, session, finding_id, csrf_token, form, act)


@router.post("/findings/{finding_id}/comment")
def finding_comment(
    finding_id: int,
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Add a comment to the finding's history."""
    form = {"open": "comment", "comment": comment}

    def act(f: Finding, principal: Principal) -> str:
        body = CommentRequest.model_validate({"comment": comment.strip()})
        findings_service.comment(session, f, body.comment, principal)
        return "comment"

    return _act_on_finding(request, session, finding_id, csrf_token, form, act)
