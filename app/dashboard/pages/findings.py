"""The findings queue, and one decision for many findings at once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app.api.deps import SessionDep
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.config import get_settings
from app.dashboard import export, filters, labels
from app.dashboard.filters import FindingsArgs, FindingsArgsDep
from app.dashboard.render import error_page, page_viewer, redirect, render
from app.dashboard.review import (
    BULK_ACTIONS,
    FINDINGS_PAGE_SIZE,
    SORTS,
    STATUSES,
    UNCHANGED_BECAUSE,
    plain,
    poster,
    refusal,
)
from app.db import utcnow
from app.errors import AppError, Unprocessable
from app.findings import service as findings_service
from app.findings.schemas import BulkDecisionRequest
from app.kit.pagination import PageParams

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class BulkLine:
    """One finding in a bulk action's report: where to see it, and why it was left alone."""

    id: int
    label: str
    href: str | None
    why: str | None = None


def _bulk_lines(
    session: SessionDep, principal: Principal, items: Sequence[tuple[int, str | None]]
) -> list[BulkLine]:
    readable = []
    for finding_id, _ in items:
        try:
            readable.append(findings_service.get(session, finding_id, principal))
        except AppError:
            continue
    names = {
        p.id: f"{p.vendor.name or 'Unknown vendor'} in {p.department.name or 'no department'}"
        for p in findings_service.to_public(session, readable)
    }
    return [
        BulkLine(
            id=finding_id,
            label=names.get(finding_id, f"finding {finding_id}"),
            href=f"/findings/{finding_id}" if finding_id in names else None,
            why=why,
        )
        for finding_id, why in items
    ]


def _ids(text: str | None) -> list[int]:
    return [int(part) for part in text.split(",")] if text else []


def _findings_response(
    request: Request,
    session: SessionDep,
    principal: Principal,
    args: FindingsArgs,
    *,
    cursor: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    try:
        flt = args.finding_filter()
        rows, next_cursor = findings_service.list_findings(
            session, flt, PageParams(limit=FINDINGS_PAGE_SIZE, cursor=cursor), principal
        )
        totals = findings_service.totals(session, flt, principal)
    except AppError as exc:
        return error_page(request, principal, exc)
    next_url = "/findings?" + args.query(cursor=next_cursor) if next_cursor else None
    context.setdefault("form", {})
    return render(
        request,
        "findings.html",
        principal,
        status_code=status_code,
        findings=findings_service.to_public(session, rows),
        args=args,
        status=args.status,
        sort=args.sort,
        totals=totals,
        currency=get_settings().reporting_currency,
        options=filters.findings_options(session, principal),
        severities=filters.SEVERITIES,
        csv_url="/findings.csv?" + args.query(),
        next_url=next_url,
        first_page=cursor is None,
        can_decide=allowed(principal.role, Perm.FINDINGS_DECIDE, scoped=principal.scoped),
        bulk_actions=[(value, label) for value, (label, _, _) in BULK_ACTIONS.items()],
        today=utcnow().date(),
        tomorrow=utcnow().date() + timedelta(days=1),
        **context,
    )


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    session: SessionDep,
    args: FindingsArgsDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    done: Annotated[str | None, Query(pattern="^[a-z-]{1,30}$")] = None,
    ok: Annotated[str | None, Query(max_length=7000, pattern=r"^\d{1,12}(,\d{1,12})*$")] = None,
    failed: Annotated[
        str | None, Query(max_length=9000, pattern=r"^\d{1,12}:\d{3}(,\d{1,12}:\d{3})*$")
    ] = None,
) -> Response:
    principal = page_viewer(request, session, Perm.FINDINGS_READ)
    if not isinstance(principal, Principal):
        return principal
    done_label = BULK_ACTIONS[done][2] if done in BULK_ACTIONS else None
    report: dict[str, Any] = {}
    if done_label is not None:
        unchanged = []
        for item in failed.split(",") if failed else []:
            finding_id, code = item.split(":")
            unchanged.append((int(finding_id), UNCHANGED_BECAUSE.get(int(code), "refused")))
        report = {
            "done_label": done_label,
            "done_lines": _bulk_lines(session, principal, [(i, None) for i in _ids(ok)]),
            "unchanged": _bulk_lines(session, principal, unchanged),
        }
    return _findings_response(request, session, principal, args, cursor=cursor, **report)


CSV_COLUMNS = (
    "id",
    "vendor",
    "unrecognised",
    "department",
    "category",
    "severity",
    "status",
    "total_minor",
    "total",
    "annual_run_rate_minor",
    "annual_run_rate",
    "reporting_currency",
    "transaction_count",
    "first_seen_date",
    "last_seen_date",
    "cadence",
    "assignee_email",
    "declared",
)
_CSV_BATCH = 500


@router.get("/findings.csv")
def findings_csv(request: Request, session: SessionDep, args: FindingsArgsDep) -> Response:
    """Every finding the queue's filters select, in the queue's order, as CSV."""
    principal = page_viewer(request, session, Perm.FINDINGS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        flt = args.finding_filter()
        # Refused before the first byte: once the download streams, no error page can follow.
        principal.department_filter(flt.department_id)
    except AppError as exc:
        return error_page(request, principal, exc)

    def rows() -> Iterator[list[Any]]:
        cursor: str | None = None
        while True:
            batch, cursor = findings_service.list_findings(
                session, flt, PageParams(limit=_CSV_BATCH, cursor=cursor), principal
            )
            for f in findings_service.to_public(session, batch):
                yield [
                    f.id,
                    f.vendor.name or f.candidate_name,
                    f.unrecognised,
                    f.department.name,
                    labels.category(f.vendor.category) if f.vendor.category else "",
                    f.severity,
                    f.status,
                    f.total_minor,
                    f.total,
                    f.annual_run_rate_minor,
                    f.annual_run_rate,
                    f.reporting_currency,
                    f.transaction_count,
                    f.first_seen_date,
                    f.last_seen_date,
                    f.cadence,
                    f.assignee_email,
                    f.declared.text if f.declared else None,
                ]
            if cursor is None:
                return

    return export.csv_response("shadowspend-findings.csv", CSV_COLUMNS, rows())


def _seen_versions(seen: list[str], chosen: list[int]) -> dict[int, int]:
    """``["12:3", ...]`` -> ``{12: 3}`` for the ticked ids (anything malformed is ignored: that
    finding is then decided whatever its version, as the API does without one)."""
    wanted = set(chosen)
    out: dict[int, int] = {}
    for item in seen:
        fid, _, version = item.partition(":")
        if fid.isdigit() and version.isdigit() and int(fid) in wanted:
            out[int(fid)] = int(version)
    return out


@router.post("/findings/bulk-decision")
def findings_bulk_decision(
    request: Request,
    session: SessionDep,
    action: Annotated[str, Form(pattern="^(" + "|".join(BULK_ACTIONS) + ")$")],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    ids: Annotated[list[int] | None, Form(max_length=500)] = None,
    seen: Annotated[list[str] | None, Form(max_length=1000)] = None,
    snooze_until: Annotated[str, Form(max_length=20)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
    status: Annotated[str, Form(pattern=STATUSES)] = "open",
    sort: Annotated[str, Form(pattern=SORTS)] = "severity",
) -> Response:
    """One decision for the findings ticked in the queue, through the API's bulk decision:
    each finding succeeds or fails on its own. Each row sends the version it showed
    (``seen``: ``id:version``), so a finding someone else decided since the queue was loaded
    is left alone (409) rather than overwritten."""
    back = "/findings?" + urlencode({"status": status, "sort": sort})
    principal = poster(request, session, csrf_token, back)
    if not isinstance(principal, Principal):
        return principal
    chosen = list(dict.fromkeys(ids or []))
    form = {"action": action, "snooze_until": snooze_until, "comment": comment, "ids": chosen}
    decision = BULK_ACTIONS[action][1]
    # A refusal shows the queue again with the ticks and fields as they were sent.
    again = partial(
        _findings_response, request, session, principal, FindingsArgs(status, sort), form=form
    )
    try:
        if not chosen:
            raise Unprocessable("tick at least one finding")
        body = BulkDecisionRequest.model_validate(
            {
                **decision,
                "ids": chosen,
                "versions": _seen_versions(seen or [], chosen),
                "snooze_until": snooze_until or None,
                "comment": comment.strip() or None,
            }
        )
    except (AppError, ValidationError) as exc:
        return again(status_code=422, error=refusal(exc))
    results = findings_service.bulk_decide(session, body, principal)
    session.commit()
    done = [r.id for r in results if r.status == 200]
    refused = [r for r in results if r.status != 200]
    if not done:
        codes = {r.status for r in refused}
        return again(
            status_code=codes.pop() if len(codes) == 1 else 422,
            error="Nothing was changed.",
            unchanged=_bulk_lines(
                session, principal, [(r.id, plain(r.detail or "refused")) for r in refused]
            ),
        )
    query = {"status": status, "sort": sort, "done": action, "ok": ",".join(map(str, done))}
    if refused:
        query["failed"] = ",".join(f"{r.id}:{r.status}" for r in refused)
    return redirect("/findings?" + urlencode(query))
