"""The dashboard's HTML pages (outside /api/v1): sign-in, overview, findings, subscriptions,
redundancy and the transactions drill-down.

Pages are rendered server-side with their data embedded (one request paints everything); a
small script of ours draws the charts with plotly.js, which is served from the installed
``plotly`` Python package (no CDN, no copy in the repository). Every chart has a table with
the same figures and the same drill-down links, so nothing needs the mouse or the script.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from app.api.deps import SessionDep
from app.api.pagination import PageParams, paginate
from app.auth import service as auth_service
from app.auth.permissions import Perm, allowed
from app.auth.service import Principal
from app.dashboard import queries
from app.dashboard import session as web_session
from app.db import utcnow
from app.errors import AppError, Forbidden, Unauthorized, Unprocessable
from app.feeds import service as feeds_service
from app.findings import service as findings_service
from app.findings.schemas import (
    BulkDecisionRequest,
    CommentRequest,
    DecisionRequest,
    FindingPublic,
    FindingUpdate,
)
from app.findings.service import FindingFilter
from app.models import Department, Finding, Transaction, Vendor
from app.transactions import service as transactions_service
from app.transactions.router import FilterDep
from app.vendors import service as vendor_service
from connectors.money import exponent, from_minor

router = APIRouter(include_in_schema=False)

_HERE = Path(__file__).resolve().parent
_STATIC = _HERE.parent / "static"
templates = Jinja2Templates(directory=str(_HERE.parent / "templates"))

INSIGHTS_PERM = Perm.INSIGHTS_READ
REDUNDANCY_PERM = Perm.REDUNDANCY_READ
PAGE_SIZE = 50
FINDINGS_PAGE_SIZE = 50

_CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js sets inline styles on the SVG it draws
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
_PAGE_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# --- formatting ------------------------------------------------------------------------------


def money(minor: int | None, currency: str) -> str:
    """``123456, "USD"`` -> ``"USD 1,234.56"`` (grouped, the currency's own decimals)."""
    if minor is None:
        return "—"
    places = exponent(currency)
    value: Decimal = from_minor(int(minor), currency)
    return f"{currency} {value:,.{places}f}"


def _json_script(value: Any) -> Markup:
    # Safe inside <script type="application/json">: no "</script>" or "<!--" can form.
    text = json.dumps(value, separators=(",", ":"), default=str)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 - escaped above for a JSON script block


templates.env.filters["money"] = money
templates.env.filters["json_script"] = _json_script


# --- static assets ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    gzipped: bytes
    etag: str
    media_type: str


def _asset(body: bytes, media_type: str) -> _Asset:
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return _Asset(body, gzip.compress(body, 6, mtime=0), etag, media_type)


@lru_cache(maxsize=1)
def plotly_asset() -> _Asset:
    """``plotly.min.js`` as shipped inside the installed ``plotly`` Python package."""
    source = resources.files("plotly").joinpath("package_data", "plotly.min.js")
    return _asset(source.read_bytes(), "text/javascript; charset=utf-8")


@lru_cache(maxsize=1)
def plotly_version() -> str:
    from importlib.metadata import version

    return version("plotly")


_OWN_ASSETS = {
    "dashboard.css": "text/css; charset=utf-8",
    "dashboard.js": "text/javascript; charset=utf-8",
}


@lru_cache(maxsize=8)
def own_asset(name: str) -> _Asset:
    return _asset((_STATIC / name).read_bytes(), _OWN_ASSETS[name])


def asset_version(name: str) -> str:
    return own_asset(name).etag.strip('"')[:10]


def _serve(request: Request, asset: _Asset) -> Response:
    headers = {
        "Cache-Control": "public, max-age=31536000, immutable",
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=asset.media_type, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


@router.get("/static/vendor/plotly.min.js")
def plotly_js(request: Request) -> Response:
    """plotly.js from the installed package; the page asks for it with ``?v=<version>`` so
    the year-long cache is safe across upgrades."""
    return _serve(request, plotly_asset())


@router.get("/static/{name}")
def static_file(name: str, request: Request) -> Response:
    if name not in _OWN_ASSETS:
        return Response("not found", status_code=404, media_type="text/plain")
    return _serve(request, own_asset(name))


# --- pages -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NavItem:
    href: str
    label: str
    perm: Perm


NAV = (
    NavItem("/", "Overview", Perm.TRANSACTIONS_READ),
    NavItem("/findings", "Findings", Perm.FINDINGS_READ),
    NavItem("/subscriptions", "Subscriptions", INSIGHTS_PERM),
    NavItem("/redundancy", "Redundancy", REDUNDANCY_PERM),
    NavItem("/transactions", "Transactions", Perm.TRANSACTIONS_READ),
)


def _render(
    request: Request,
    name: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    nav = [n for n in NAV if principal is not None and allowed(principal.role, n.perm)]
    context.update(
        principal=principal,
        nav=nav,
        path=request.url.path,
        csrf_token=context.get("csrf_token") or web_session.csrf_token(request),
        plotly_version=plotly_version(),
        css_version=asset_version("dashboard.css"),
        js_version=asset_version("dashboard.js"),
    )
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    response.headers.update(_PAGE_HEADERS)
    return response


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never "//evil" or "https://evil".
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _to_login(request: Request, target: str | None = None) -> RedirectResponse:
    if target is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _viewer(request: Request, session: SessionDep) -> Principal | None:
    return web_session.principal_from_cookie(request, session)


def _error(request: Request, principal: Principal | None, exc: AppError) -> HTMLResponse:
    return _render(
        request,
        "error.html",
        principal,
        status_code=exc.status,
        title=exc.title,
        detail=exc.detail,
    )


def _not_permitted(request: Request, principal: Principal, perm: Perm) -> HTMLResponse:
    return _error(
        request,
        principal,
        Forbidden(f"the {principal.role.value} role may not {perm.value.replace(':', ' ')}"),
    )


def _page_viewer(request: Request, session: SessionDep, perm: Perm) -> Principal | Response:
    """The signed-in principal, when its role has ``perm``; otherwise the page to answer
    instead (sign-in, or a refusal that names the permission)."""
    principal = _viewer(request, session)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, perm):
        return _not_permitted(request, principal, perm)
    return principal


def _fragment_viewer(request: Request, session: SessionDep, perm: Perm) -> Principal | Response:
    """As :func:`_page_viewer` for a fragment a page's script fetches: a bare 401 or 403."""
    principal = _viewer(request, session)
    if principal is None or not allowed(principal.role, perm):
        status = 401 if principal is None else 403
        return Response(status_code=status, headers={"Cache-Control": "no-store"})
    return principal


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    session: SessionDep,
    next: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    if _viewer(request, session) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    token = request.cookies.get(web_session.CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = _render(request, "login.html", None, next=_safe_next(next), csrf_token=token)
    web_session.set_login_csrf(response, request, token)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    api_key: Annotated[str, Form(max_length=500)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Exchange an API key for a session cookie (the key is never stored in the browser)."""
    target = _safe_next(next)
    cookie_token = request.cookies.get(web_session.CSRF_COOKIE, "")
    if not web_session.same_origin(request) or not (
        csrf_token and secrets.compare_digest(csrf_token, cookie_token)
    ):
        fresh = secrets.token_urlsafe(24)
        response = _render(
            request,
            "login.html",
            None,
            status_code=403,
            next=target,
            csrf_token=fresh,
            error="The sign-in form expired or came from another site. Please try again.",
        )
        web_session.set_login_csrf(response, request, fresh)
        return response
    try:
        principal = auth_service.authenticate(session, api_key.strip())
    except Unauthorized as exc:
        response = _render(
            request,
            "login.html",
            None,
            status_code=401,
            next=target,
            csrf_token=cookie_token,
            error=f"Sign-in failed: {exc.detail}.",
        )
        return response
    session.commit()  # the key's last-used time
    assert principal.key_id is not None
    redirect = RedirectResponse(target, status_code=303)
    web_session.set_session(redirect, request, principal.key_id)
    redirect.headers["Cache-Control"] = "no-store"
    return redirect


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sign out (a form post carrying the CSRF token, so another site cannot sign you out)."""
    try:
        principal = web_session.principal_from_cookie(request, session, form_token=csrf_token)
    except Forbidden as exc:
        return _error(request, None, exc)
    response = RedirectResponse("/login", status_code=303)
    if principal is not None or request.cookies.get(web_session.SESSION_COOKIE):
        web_session.clear_session(response, request)
    return response


def _period(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date | None]:
    if date_from is None and date_to is None:
        # The trailing twelve months, from the first of the month.
        year, month = (today.year - 1, today.month + 1) if today.month < 12 else (today.year, 1)
        return date(year, month, 1), None
    return date_from or date(1970, 1, 1), date_to


@router.get("/", response_class=HTMLResponse)
def overview_page(
    request: Request,
    session: SessionDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
) -> Response:
    principal = _page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    start, end = _period(date_from, date_to, utcnow().date())
    try:
        flt = transactions_service.scoped_filter(
            transactions_service.TransactionFilter(date_from=start, date_to=end), principal
        )
        data = queries.overview(session, flt)
    except AppError as exc:
        return _error(request, principal, exc)

    findings: list[Any] = []
    can_findings = allowed(principal.role, Perm.FINDINGS_READ)
    if can_findings:
        rows, _ = findings_service.list_findings(
            session, FindingFilter(status="open"), PageParams(limit=5, cursor=None), principal
        )
        findings = findings_service.to_public(session, rows)
    can_insights = allowed(principal.role, INSIGHTS_PERM)
    return _render(
        request,
        "overview.html",
        principal,
        data=data,
        charts_json={"charts": [c.as_json() for c in data.charts]},
        date_from=start,
        date_to=end,
        findings=findings,
        can_findings=can_findings,
        can_insights=can_insights,
    )


@router.get("/fragments/renewals", response_class=HTMLResponse)
def renewals_fragment(request: Request, session: SessionDep) -> Response:
    """The overview's renewals card, fetched after first paint (the cadence analysis behind
    it takes longer than the charts)."""
    principal = _fragment_viewer(request, session, INSIGHTS_PERM)
    if not isinstance(principal, Principal):
        return principal
    return _render(
        request, "_renewals.html", principal, renewals=queries.renewals(session, principal)
    )


# --- IT review: the findings queue and one finding -------------------------------------------
#
# The forms call the same service functions as /api/v1/findings (the bulk form calls the API's
# bulk route itself), so every rule lives in one place; these routes only turn forms into
# requests and outcomes into pages. A refused action re-renders its page with the reason and
# changes nothing (the unit of work is rolled back); an accepted one redirects
# (POST/redirect/GET) to a page that says what was done.

_STATUSES = "^(open|approved|rejected|dismissed|snoozed|all)$"
_SORTS = "^(severity|spend|last_seen)$"
VENDOR_CHOICES = 15

# form value -> (label, the decision it sends, what the queue says once done)
BULK_ACTIONS: dict[str, tuple[str, dict[str, Any], str]] = {
    "approve": (
        "Approve, each for its department",
        {"decision": "approve", "scope": "department"},
        "Approved for their departments",
    ),
    "approve-company": (
        "Approve company-wide",
        {"decision": "approve", "scope": "company"},
        "Approved company-wide",
    ),
    "reject": ("Reject", {"decision": "reject"}, "Rejected"),
    "snooze": ("Snooze until the date below", {"decision": "snooze"}, "Snoozed"),
    "dismiss-not-software": (
        "Dismiss: not software",
        {"decision": "dismiss", "not_software": True},
        "Dismissed as not software",
    ),
}
# Why a finding of a bulk action was left alone, by the status the bulk route gave it (the
# redirect carries statuses, never free text, so a crafted link cannot put words on the page).
_UNCHANGED_BECAUSE = {
    403: "it belongs to another department",
    404: "it no longer exists",
    409: "someone else changed it first; open it and decide again",
    422: "the rules refused it; open it to see why",
}
_DONE_CODES = "^(approve|approve-company|reject|dismiss|snooze|assign|comment)$"
_ACTION_LABELS = {
    "finding.approved": "approved",
    "finding.rejected": "rejected",
    "finding.dismissed": "dismissed as a wrong match",
    # what the findings service records today ("reject" + "d"); both read the same here
    "finding.rejectd": "rejected",
    "finding.dismissd": "dismissed as a wrong match",
    "finding.snoozed": "snoozed",
    "finding.assigned": "changed the owner",
    "finding.commented": "commented",
    "finding.reopened": "reopened",
}
# The API's field names as the forms label them.
_FIELD_LABELS = {
    "not_software=true": "“not software”",
    "correct_vendor_id": "the right vendor",
    "snooze_until": "the snooze date",
    "cancel_by": "the cancel-by date",
    "assignee_email": "the owner's email",
    "comment": "the comment",
}

templates.env.filters["action_label"] = lambda action: _ACTION_LABELS.get(action, action)


def _plain(text: str) -> str:
    for name, label in _FIELD_LABELS.items():
        text = text.replace(name, label)
    return text


def _invalid(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        message = str(err["msg"]).removeprefix("Value error, ")
        field = ".".join(str(p) for p in err["loc"])
        parts.append(f"{field}: {message}" if field else message)
    return _plain("; ".join(parts))


def _refusal(exc: AppError | ValidationError) -> str:
    reason = _invalid(exc) if isinstance(exc, ValidationError) else _plain(exc.detail)
    return f"Nothing was changed: {reason}."


def _poster(
    request: Request, session: SessionDep, csrf_token: str, back: str
) -> Principal | Response:
    """The principal behind a review form, or the page that refuses it: no CSRF token, signed
    out (back to sign-in, then to ``back``), or a role that may not decide."""
    try:
        principal = web_session.principal_from_cookie(request, session, form_token=csrf_token)
    except Forbidden as exc:
        return _error(request, None, exc)
    if principal is None:
        return _to_login(request, back)
    if not allowed(principal.role, Perm.FINDINGS_DECIDE):
        return _not_permitted(request, principal, Perm.FINDINGS_DECIDE)
    return principal


def _redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


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
    *,
    status: str,
    sort: str,
    cursor: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> Response:
    try:
        rows, next_cursor = findings_service.list_findings(
            session,
            FindingFilter(status=None if status == "all" else status, sort=sort),
            PageParams(limit=FINDINGS_PAGE_SIZE, cursor=cursor),
            principal,
        )
    except AppError as exc:
        return _error(request, principal, exc)
    next_url = (
        "/findings?" + urlencode({"status": status, "sort": sort, "cursor": next_cursor})
        if next_cursor
        else None
    )
    context.setdefault("form", {})
    return _render(
        request,
        "findings.html",
        principal,
        status_code=status_code,
        findings=findings_service.to_public(session, rows),
        status=status,
        sort=sort,
        next_url=next_url,
        first_page=cursor is None,
        can_decide=allowed(principal.role, Perm.FINDINGS_DECIDE),
        bulk_actions=[(value, label) for value, (label, _, _) in BULK_ACTIONS.items()],
        tomorrow=utcnow().date() + timedelta(days=1),
        **context,
    )


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    session: SessionDep,
    status: Annotated[str, Query(pattern=_STATUSES)] = "open",
    sort: Annotated[str, Query(pattern=_SORTS)] = "severity",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    done: Annotated[str | None, Query(pattern="^[a-z-]{1,30}$")] = None,
    ok: Annotated[str | None, Query(max_length=7000, pattern=r"^\d{1,12}(,\d{1,12})*$")] = None,
    failed: Annotated[
        str | None, Query(max_length=9000, pattern=r"^\d{1,12}:\d{3}(,\d{1,12}:\d{3})*$")
    ] = None,
) -> Response:
    principal = _page_viewer(request, session, Perm.FINDINGS_READ)
    if not isinstance(principal, Principal):
        return principal
    done_label = BULK_ACTIONS[done][2] if done in BULK_ACTIONS else None
    report: dict[str, Any] = {}
    if done_label is not None:
        unchanged = []
        for item in failed.split(",") if failed else []:
            finding_id, code = item.split(":")
            unchanged.append((int(finding_id), _UNCHANGED_BECAUSE.get(int(code), "refused")))
        report = {
            "done_label": done_label,
            "done_lines": _bulk_lines(session, principal, [(i, None) for i in _ids(ok)]),
            "unchanged": _bulk_lines(session, principal, unchanged),
        }
    return _findings_response(
        request, session, principal, status=status, sort=sort, cursor=cursor, **report
    )


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
    status: Annotated[str, Form(pattern=_STATUSES)] = "open",
    sort: Annotated[str, Form(pattern=_SORTS)] = "severity",
) -> Response:
    """One decision for the findings ticked in the queue, through the API's bulk decision:
    each finding succeeds or fails on its own. Each row sends the version it showed
    (``seen``: ``id:version``), so a finding someone else decided since the queue was loaded
    is left alone (409) rather than overwritten."""
    back = "/findings?" + urlencode({"status": status, "sort": sort})
    principal = _poster(request, session, csrf_token, back)
    if not isinstance(principal, Principal):
        return principal
    chosen = list(dict.fromkeys(ids or []))
    form = {"action": action, "snooze_until": snooze_until, "comment": comment, "ids": chosen}
    decision = BULK_ACTIONS[action][1]
    # A refusal shows the queue again with the ticks and fields as they were sent.
    again = partial(
        _findings_response, request, session, principal, status=status, sort=sort, form=form
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
        return again(status_code=422, error=_refusal(exc))
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
                session, principal, [(r.id, _plain(r.detail or "refused")) for r in refused]
            ),
        )
    query = {"status": status, "sort": sort, "done": action, "ok": ",".join(map(str, done))}
    if refused:
        query["failed"] = ",".join(f"{r.id}:{r.status}" for r in refused)
    return _redirect("/findings?" + urlencode(query))


def _finding_drilldown(vendor_id: int | None, department_id: int | None) -> str:
    return queries.transactions_url(
        transactions_service.TransactionFilter(),
        vendor_id=vendor_id,
        department_id=department_id,
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
            + (f" ({_ACTION_LABELS.get(last.action, last.action)} by {last.actor})" if last else "")
            + f"; it is now {detail.status}. Nothing was changed: check it below and decide again."
        )
        if form and form.get("comment", "").strip():
            error += f" Your comment was not saved: “{form['comment'].strip()}”."
    vendors, more_vendors = _vendor_choices(session, vendor_q, f.vendor_id)
    today = utcnow().date()
    return _render(
        request,
        "finding.html",
        principal,
        status_code=status_code,
        finding=detail,
        drilldown=_finding_drilldown(f.vendor_id, f.department_id),
        can_decide=allowed(principal.role, Perm.FINDINGS_DECIDE),
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
    done: Annotated[str | None, Query(pattern=_DONE_CODES)] = None,
    vendor_q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    principal = _page_viewer(request, session, Perm.FINDINGS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        f = findings_service.get(session, finding_id, principal)
    except AppError as exc:
        return _error(request, principal, exc)
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
    principal = _fragment_viewer(request, session, Perm.FINDINGS_DECIDE)
    if not isinstance(principal, Principal):
        return principal
    try:
        f = findings_service.get(session, finding, principal)
    except AppError as exc:
        return Response(status_code=exc.status, headers={"Cache-Control": "no-store"})
    vendors, more_vendors = _vendor_choices(session, q, f.vendor_id)
    return _render(
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
    principal = _poster(request, session, csrf_token, f"/findings/{finding_id}")
    if not isinstance(principal, Principal):
        return principal
    try:
        f = findings_service.get(session, finding_id, principal)
    except AppError as exc:
        return _error(request, principal, exc)
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
            error=_refusal(exc),
            form=form,
            vendor_q=form.get("vendor_q", ""),
        )
    session.commit()
    return _redirect(f"/findings/{finding_id}?done={done}")


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


@router.get("/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request, session: SessionDep) -> Response:
    principal = _page_viewer(request, session, INSIGHTS_PERM)
    if not isinstance(principal, Principal):
        return principal
    from app.config import get_settings

    return _render(
        request,
        "subscriptions.html",
        principal,
        subscriptions=queries.subscriptions(session, principal),
        renewals=queries.renewals(session, principal),
        currency=get_settings().reporting_currency,
    )


@router.get("/redundancy", response_class=HTMLResponse)
def redundancy_page(request: Request, session: SessionDep) -> Response:
    principal = _page_viewer(request, session, REDUNDANCY_PERM)
    if not isinstance(principal, Principal):
        return principal
    return _render(
        request,
        "redundancy.html",
        principal,
        report=queries.redundancy(session, principal),
    )


def _filter_labels(session: SessionDep, flt: transactions_service.TransactionFilter) -> list[str]:
    labels: list[str] = []
    if flt.date_from or flt.date_to:
        lo = flt.date_from.isoformat() if flt.date_from else "the start"
        hi = flt.date_to.isoformat() if flt.date_to else "today"
        labels.append(f"from {lo} to {hi}")
    if flt.department_id is not None:
        dept = session.get(Department, flt.department_id)
        labels.append(f"department: {dept.name if dept else flt.department_id}")
    if flt.vendor_id is not None:
        vendor = session.get(Vendor, flt.vendor_id)
        labels.append(f"vendor: {vendor.name if vendor else flt.vendor_id}")
    if flt.category:
        labels.append(f"category: {flt.category}")
    if flt.is_software is not None:
        labels.append("software" if flt.is_software else "not software")
    if flt.outside_it is not None:
        labels.append("bought outside IT" if flt.outside_it else "sanctioned / IT-procured")
    if flt.channel:
        labels.append(f"channel: {flt.channel}")
    if flt.q:
        labels.append(f"text contains “{flt.q}”")
    return labels


@router.get("/transactions", response_class=HTMLResponse)
def transactions_page(
    request: Request,
    session: SessionDep,
    flt: FilterDep,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    """The drill-down behind every chart element and table row: the same filters as
    ``GET /api/v1/transactions``, newest first, keyset-paginated, with the total that
    reconciles with the chart it came from."""
    principal = _page_viewer(request, session, Perm.TRANSACTIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    try:
        flt = transactions_service.scoped_filter(flt, principal)
        stmt = transactions_service.apply_filter(select(Transaction), flt)
        rows, next_cursor = paginate(
            session,
            stmt,
            PageParams(limit=PAGE_SIZE, cursor=cursor),
            [Transaction.transaction_date, Transaction.id],  # type: ignore[list-item]
            descending=True,
        )
        total = feeds_service.spend_feed(session, flt, ()).totals
    except AppError as exc:
        return _error(request, principal, exc)
    next_url = None
    if next_cursor:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        next_url = "/transactions?" + urlencode([*params, ("cursor", next_cursor)])
    first_url = None
    if cursor:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
        first_url = "/transactions" + ("?" + urlencode(params) if params else "")
    return _render(
        request,
        "transactions.html",
        principal,
        items=transactions_service.to_public(rows, session),
        total=total,
        labels=_filter_labels(session, flt),
        flt=flt,
        # the filters the form does not show ride along with it
        hidden=[
            (k, v)
            for k, v in request.query_params.multi_items()
            if k not in {"from", "to", "q", "cursor"}
        ],
        next_url=next_url,
        first_url=first_url,
    )
