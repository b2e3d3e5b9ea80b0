"""What every dashboard page shares: the templates and their filters, the security headers,
the navigation, rendering, and who is signed in (or the page to answer instead)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from app.api.deps import SessionDep
from app.auth import cookie as web_session
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.dashboard import labels
from app.dashboard.assets import asset_version, plotly_version
from app.errors import AppError, Forbidden
from connectors.money import exponent, from_minor

_HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(_HERE.parent / "templates"))

INSIGHTS_PERM = Perm.INSIGHTS_READ
REDUNDANCY_PERM = Perm.REDUNDANCY_READ

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
PAGE_HEADERS = {
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
templates.env.filters["category_label"] = labels.category
templates.env.filters["label"] = lambda code, kind: labels.label(kind, code)


# --- pages -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NavItem:
    href: str
    label: str
    perm: Perm


NAV = (
    NavItem("/", "Overview", Perm.TRANSACTIONS_READ),
    NavItem("/apps", "Apps", Perm.TRANSACTIONS_READ),
    NavItem("/findings", "Findings", Perm.FINDINGS_READ),
    NavItem("/subscriptions", "Subscriptions", INSIGHTS_PERM),
    NavItem("/redundancy", "Redundancy", REDUNDANCY_PERM),
    NavItem("/transactions", "Transactions", Perm.TRANSACTIONS_READ),
    NavItem("/candidates", "Candidates", Perm.RULES_READ),
    NavItem("/sanctioned", "Sanctioned", Perm.SANCTIONED_READ),
    NavItem("/registrations", "Registrations", Perm.REGISTRATIONS_READ),
    NavItem("/sources", "Sources", Perm.CONNECTIONS_READ),
)


def render(
    request: Request,
    name: str,
    principal: Principal | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    nav = [
        n
        for n in NAV
        if principal is not None and allowed(principal.role, n.perm, scoped=principal.scoped)
    ]
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
    response.headers.update(PAGE_HEADERS)
    return response


def safe_next(target: str | None) -> str:
    # Only a path on this site: never "//evil" or "https://evil".
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def to_login(request: Request, target: str | None = None) -> RedirectResponse:
    if target is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def viewer(request: Request, session: SessionDep) -> Principal | None:
    return web_session.principal_from_cookie(request, session)


def error_page(request: Request, principal: Principal | None, exc: AppError) -> HTMLResponse:
    return render(
        request,
        "error.html",
        principal,
        status_code=exc.status,
        title=exc.title,
        detail=exc.detail,
    )


def not_permitted(request: Request, principal: Principal, perm: Perm) -> HTMLResponse:
    if allowed(principal.role, perm):  # the role may; its department scope may not
        reason = f"{perm.value} spans departments; sign in with a key without a department scope"
    else:
        reason = f"the {principal.role.value} role may not {perm.value.replace(':', ' ')}"
    return error_page(request, principal, Forbidden(reason))


def page_viewer(request: Request, session: SessionDep, perm: Perm) -> Principal | Response:
    """The signed-in principal, when its role has ``perm``; otherwise the page to answer
    instead (sign-in, or a refusal that names the permission)."""
    principal = viewer(request, session)
    if principal is None:
        return to_login(request)
    if not allowed(principal.role, perm, scoped=principal.scoped):
        return not_permitted(request, principal, perm)
    return principal


def fragment_viewer(request: Request, session: SessionDep, perm: Perm) -> Principal | Response:
    """As :func:`page_viewer` for a fragment a page's script fetches: a bare 401 or 403."""
    principal = viewer(request, session)
    if principal is None or not allowed(principal.role, perm, scoped=principal.scoped):
        status = 401 if principal is None else 403
        return Response(status_code=status, headers={"Cache-Control": "no-store"})
    return principal


def redirect(url: str) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response
