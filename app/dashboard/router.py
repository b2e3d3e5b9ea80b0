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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlmodel import select

from app.api.deps import SessionDep
from app.api.pagination import PageParams, paginate
from app.auth import service as auth_service
from app.auth.permissions import Perm, allowed
from app.auth.service import Principal
from app.dashboard import queries
from app.dashboard import session as web_session
from app.errors import AppError, Forbidden, Unauthorized
from app.feeds import service as feeds_service
from app.findings import service as findings_service
from app.findings.schemas import DecisionRequest
from app.findings.service import FindingFilter
from app.models import Department, Transaction, Vendor
from app.transactions import service as transactions_service
from app.transactions.router import FilterDep
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


def _to_login(request: Request) -> RedirectResponse:
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
    principal = _viewer(request, session)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, Perm.TRANSACTIONS_READ):
        return _not_permitted(request, principal, Perm.TRANSACTIONS_READ)
    from app.db import utcnow

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
    principal = _viewer(request, session)
    if principal is None:
        return Response(status_code=401, headers={"Cache-Control": "no-store"})
    if not allowed(principal.role, INSIGHTS_PERM):
        return Response(status_code=403, headers={"Cache-Control": "no-store"})
    return _render(
        request, "_renewals.html", principal, renewals=queries.renewals(session, principal)
    )


@router.get("/findings", response_class=HTMLResponse)
def findings_page(
    request: Request,
    session: SessionDep,
    status: Annotated[
        str, Query(pattern="^(open|approved|rejected|dismissed|snoozed|all)$")
    ] = "open",
    sort: Annotated[str, Query(pattern="^(severity|spend|last_seen)$")] = "severity",
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Response:
    principal = _viewer(request, session)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, Perm.FINDINGS_READ):
        return _not_permitted(request, principal, Perm.FINDINGS_READ)
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
    return _render(
        request,
        "findings.html",
        principal,
        findings=findings_service.to_public(session, rows),
        status=status,
        sort=sort,
        next_url=next_url,
        first_page=cursor is None,
    )


def _finding_drilldown(vendor_id: int | None, department_id: int | None) -> str:
    return queries.transactions_url(
        transactions_service.TransactionFilter(),
        vendor_id=vendor_id,
        department_id=department_id,
        outside_it=True,
    )


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding_page(finding_id: int, request: Request, session: SessionDep) -> Response:
    principal = _viewer(request, session)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, Perm.FINDINGS_READ):
        return _not_permitted(request, principal, Perm.FINDINGS_READ)
    try:
        f = findings_service.get(session, finding_id, principal)
    except AppError as exc:
        return _error(request, principal, exc)
    detail = findings_service.detail(session, f)
    return _render(
        request,
        "finding.html",
        principal,
        finding=detail,
        drilldown=_finding_drilldown(f.vendor_id, f.department_id),
        can_decide=allowed(principal.role, Perm.FINDINGS_DECIDE),
        notice=request.query_params.get("done"),
    )


@router.post("/findings/{finding_id}/decision")
def finding_decision(
    finding_id: int,
    request: Request,
    session: SessionDep,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    version: Annotated[int, Form()],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Approve or reject a finding from its page (the same rules as the API's decision)."""
    try:
        principal = web_session.principal_from_cookie(request, session, form_token=csrf_token)
    except Forbidden as exc:
        return _error(request, None, exc)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, Perm.FINDINGS_DECIDE):
        return _not_permitted(request, principal, Perm.FINDINGS_DECIDE)
    try:
        f = findings_service.get(session, finding_id, principal)
        body = DecisionRequest.model_validate(
            {"decision": decision, "version": version, "comment": comment.strip() or None}
        )
        findings_service.decide(session, f, body, principal, version)
    except AppError as exc:
        session.rollback()
        return _error(request, principal, exc)
    session.commit()
    return RedirectResponse(f"/findings/{finding_id}?done={decision}", status_code=303)


@router.get("/subscriptions", response_class=HTMLResponse)
def subscriptions_page(request: Request, session: SessionDep) -> Response:
    principal = _viewer(request, session)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, INSIGHTS_PERM):
        return _not_permitted(request, principal, INSIGHTS_PERM)
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
    principal = _viewer(request, session)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, REDUNDANCY_PERM):
        return _not_permitted(request, principal, REDUNDANCY_PERM)
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
    principal = _viewer(request, session)
    if principal is None:
        return _to_login(request)
    if not allowed(principal.role, Perm.TRANSACTIONS_READ):
        return _not_permitted(request, principal, Perm.TRANSACTIONS_READ)
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
