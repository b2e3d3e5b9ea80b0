from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from sqlmodel import Session

from app.api import cache
from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.errors import Unprocessable
from app.findings import service
from app.findings.schemas import (
    BulkDecisionRequest,
    BulkResult,
    CommentPublic,
    CommentRequest,
    DecisionRequest,
    FindingDetail,
    FindingPublic,
    FindingUpdate,
)
from app.findings.service import FindingFilter

router = APIRouter(prefix="/findings", tags=["findings"])


def _if_match(value: str | None) -> int | None:
    if value is None or value == "*":
        return None
    cleaned = value.strip().removeprefix("W/").strip('"')
    try:
        return int(cleaned)
    except ValueError:
        raise Unprocessable('If-Match must be the finding\'s ETag, e.g. "3"') from None


def _etag(response: Response, version: int) -> None:
    response.headers["ETag"] = f'"{version}"'


@router.get("", response_model=Page[FindingPublic])
def list_findings(
    request: Request,
    session: SessionDep,
    page: PageDep,
    principal: Annotated[Principal, Depends(require(Perm.FINDINGS_READ))],
    status_: Annotated[
        str | None,
        Query(alias="status", pattern="^(open|approved|rejected|dismissed|snoozed)$"),
    ] = None,
    severity: Annotated[
        str | None,
        Query(
            pattern="^(low|medium|high|critical)(,(low|medium|high|critical))*$",
            description="One or more, comma separated",
        ),
    ] = None,
    department_id: int | None = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    vendor_id: int | None = None,
    unrecognised: Annotated[
        bool | None,
        Query(
            description="true: only unrecognised software (candidate vendors); false: only "
            "catalog vendors"
        ),
    ] = None,
    min_spend_minor: Annotated[
        int | None, Query(ge=0, description="Total spend at least (reporting minor units)")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="Vendor (or candidate) name contains")
    ] = None,
    sort: Annotated[str, Query(pattern="^(severity|spend|last_seen)$")] = "severity",
) -> Page[FindingPublic]:
    """Software bought outside IT, one finding per (vendor, department), most severe first
    (or by `spend`, `last_seen`). Software the catalog does not know (a candidate vendor)
    raises findings of its own per (candidate name, department), marked `unrecognised`.
    Each finding explains its severity in `severity_reasons` and shows "declared by <team> on
    <date>" when a team registered the tool. A department-scoped key sees only its own
    department. Answers carry an ETag; `If-None-Match` gives 304."""
    flt = FindingFilter(
        status=status_,
        severity=severity,
        department_id=department_id,
        category=category,
        vendor_id=vendor_id,
        unrecognised=unrecognised,
        min_spend_minor=min_spend_minor,
        q=q,
        sort=sort,
    )

    def build() -> bytes:
        rows, cursor = service.list_findings(session, flt, page, principal)
        return (
            Page(items=service.to_public(session, rows), next_cursor=cursor)
            .model_dump_json(by_alias=True)
            .encode()
        )

    scope = principal.department_id if principal.scoped else None
    key = ("findings", service.signature(session), flt, page.limit, page.cursor, scope)
    response = cache.json_response(request, key, build)
    # End the read here, in the route's thread: the session then closes without a round trip.
    session.commit()
    return response  # type: ignore[return-value]


@router.get("/{finding_id}", response_model=FindingDetail)
def get_finding(
    finding_id: int,
    session: SessionDep,
    response: Response,
    principal: Annotated[Principal, Depends(require(Perm.FINDINGS_READ))],
) -> FindingDetail:
    """One finding with the transactions behind it (newest 200), each with the explanation of
    its classification, and the finding's decision and comment history. The ETag is the
    finding's version: send it back as If-Match with a decision."""
    f = service.get(session, finding_id, principal)
    _etag(response, f.version)
    return service.detail(session, f)


def _decide_one(
    session: Session,
    finding_id: int,
    body: DecisionRequest,
    principal: Principal,
    version: int | None,
) -> FindingPublic:
    f = service.get(session, finding_id, principal)
    service.decide(session, f, body, principal, version)
    return service.to_public(session, [f])[0]


@router.post("/{finding_id}/decision", response_model=FindingPublic)
def decide(
    finding_id: int,
    body: DecisionRequest,
    session: SessionDep,
    response: Response,
    principal: Annotated[Principal, Depends(require(Perm.FINDINGS_DECIDE))],
    if_match: Annotated[str | None, Header()] = None,
) -> FindingPublic:
    """Decide on a finding:

    * `approve` — sanction the vendor for this department (`scope=department`) or company-wide
      (`scope=company`); its spend stops counting as outside IT.
    * `reject` — stays flagged as unapproved; optional `cancel_by` date.
    * `dismiss` — a wrong match: give `correct_vendor_id` or `not_software=true`. Creates match
      rules and re-classifies every affected transaction.
    * `snooze` — hide until `snooze_until`.

    Send the `version` you saw (or `If-Match`): if someone decided in between, the answer is
    409 and nothing changes."""
    out = _decide_one(session, finding_id, body, principal, _if_match(if_match))
    session.commit()
    _etag(response, out.version)
    return out


@router.post("/bulk-decision", response_model=list[BulkResult])
def bulk_decide(
    body: BulkDecisionRequest,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.FINDINGS_DECIDE))],
) -> list[BulkResult]:
    """Apply one decision to many findings. Each finding succeeds or fails on its own
    (`status` per item: 200, 404, 409, 422). Send `versions` (id -> the version you saw) so
    that a finding someone else decided meanwhile answers 409 instead of being overwritten."""
    results = service.bulk_decide(session, body, principal)
    session.commit()
    return results


@router.patch("/{finding_id}", response_model=FindingPublic)
def update_finding(
    finding_id: int,
    body: FindingUpdate,
    session: SessionDep,
    response: Response,
    principal: Annotated[Principal, Depends(require(Perm.FINDINGS_DECIDE))],
    if_match: Annotated[str | None, Header()] = None,
) -> FindingPublic:
    """Assign an owner (`assignee_email`; null to unassign)."""
    f = service.get(session, finding_id, principal)
    version = _if_match(if_match)
    service.assign(
        session, f, body.assignee_email, principal, version if version is not None else body.version
    )
    session.commit()
    _etag(response, f.version)
    return service.to_public(session, [f])[0]


@router.post(
    "/{finding_id}/comments", response_model=CommentPublic, status_code=status.HTTP_201_CREATED
)
def comment_on_finding(
    finding_id: int,
    body: CommentRequest,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.FINDINGS_DECIDE))],
) -> CommentPublic:
    """Add a comment to a finding's history (audited; never edited or deleted)."""
    f = service.get(session, finding_id, principal)
    event = service.comment(session, f, body.comment, principal)
    session.commit()
    return CommentPublic(
        at=event.at,
        actor=event.actor_name,
        role=event.actor_role,
        action=event.action,
        comment=event.comment,
    )
