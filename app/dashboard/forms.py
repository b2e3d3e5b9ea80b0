"""What the console's forms share (registrations, sanctioned apps): who may post, reading the
typed fields a person enters (amounts with decimals, dates, counts) into what the API's
request models take, and the catalog suggestions a name field offers as you type.

The forms call the same services as the API; a refused form shows its page again with the
reason and every field as it was sent, and nothing is changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import Request, Response
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.auth import cookie as web_session
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.dashboard import labels
from app.dashboard.render import error_page, not_permitted, to_login
from app.errors import Forbidden, Unprocessable
from app.models import Department, Vendor
from app.vendors import service as vendor_service
from connectors.money import AmountError, to_minor

SUGGESTIONS = 8


def form_principal(
    request: Request, session: Session, csrf_token: str, back: str, perm: Perm
) -> Principal | Response:
    """The principal behind a posted form, or the page that refuses it: a missing or wrong
    CSRF token, signed out (to sign-in, then back to ``back``), or a role without ``perm``."""
    try:
        principal = web_session.principal_from_cookie(request, session, form_token=csrf_token)
    except Forbidden as exc:
        return error_page(request, None, exc)
    if principal is None:
        return to_login(request, back)
    if not allowed(principal.role, perm, scoped=principal.scoped):
        return not_permitted(request, principal, perm)
    return principal


def department_options(session: Session) -> list[tuple[int, str]]:
    """Every department as (id, name), by name: what a department picker offers."""
    stmt = sa_select(col(Department.id), col(Department.name))
    return sorted(((int(i), str(n)) for i, n in session.execute(stmt)), key=lambda d: d[1].lower())


def amount(text: str, currency: str, what: str) -> int | None:
    """``"1,200.50"`` in ``currency`` -> minor units; empty -> None."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        minor = to_minor(cleaned, currency)
    except AmountError as exc:
        raise Unprocessable(f"{what}: {exc}") from None
    if minor < 0:
        raise Unprocessable(f"{what} cannot be negative")
    return minor


def whole(text: str, what: str) -> int | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise Unprocessable(f"{what} must be a whole number, 0 or more")
    return int(cleaned)


def day(text: str, what: str) -> date | None:
    cleaned = text.strip()
    if not cleaned:
        return None
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise Unprocessable(f"{what} must be a date (YYYY-MM-DD)") from None


def optional(text: str) -> str | None:
    return text.strip() or None


@dataclass(frozen=True, slots=True)
class Suggestion:
    id: int
    name: str
    category: str


def suggestions(session: Session, q: str, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """Software vendors of the catalog whose name or slug contains ``q``, closest first."""
    if not q.strip():
        return []
    stmt = (
        sa_select(col(Vendor.id), col(Vendor.name), col(Vendor.category))
        .where(vendor_service.name_contains(q), col(Vendor.is_software).is_(True))
        .order_by(*vendor_service.closest_first(q))
        .limit(limit)
    )
    return [Suggestion(int(i), str(n), labels.category(c)) for i, n, c in session.execute(stmt)]


def resolve_vendor(session: Session, vendor_id: str, name: str) -> Vendor:
    """The catalog vendor a form names: the one picked (``vendor_id``), else the one whose
    name, slug or alias is ``name``. Refused with the closest names when neither finds one."""
    if vendor_id.strip():
        if not vendor_id.strip().isdigit():
            raise Unprocessable("pick a vendor from the list")
        vendor = session.get(Vendor, int(vendor_id))
        if vendor is None:
            raise Unprocessable(f"vendor {vendor_id} does not exist")
        return vendor
    if not name.strip():
        raise Unprocessable("name the vendor")
    found = vendor_service.find_by_name(session, name)
    if found is None:
        close = ", ".join(s.name for s in suggestions(session, name, 5))
        raise Unprocessable(
            f"no catalog vendor is called “{name.strip()}”"
            + (f"; did you mean {close}?" if close else "")
        )
    return found
