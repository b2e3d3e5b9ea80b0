"""Registrations: the tools business teams declared, with their match to the catalog and
their linked findings; and the form a team registers a tool with, the catalog suggested as
it types (a plain form post without script)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import col, select

from app.api.deps import SessionDep
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.config import get_settings
from app.dashboard import export, forms
from app.dashboard.render import (
    fragment_viewer,
    page_viewer,
    redirect,
    render,
)
from app.dashboard.review import refusal
from app.errors import AppError, Unprocessable
from app.findings import notify
from app.models import Registration
from app.registrations import service as registrations_service
from app.registrations.schemas import RegistrationCreate

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100
PERIODS = ("monthly", "quarterly", "annual", "one_off")


def _registrations(
    session: SessionDep,
    principal: Principal,
    vendor_id: int | None,
    status: str,
    limit: int | None,
) -> list[Registration]:
    """The registrations the page (and its CSV) lists, newest first, under the scope."""
    stmt = select(Registration)
    if principal.scoped:
        stmt = stmt.where(col(Registration.department_id) == principal.department_id)
    if vendor_id is not None:
        stmt = stmt.where(col(Registration.vendor_id) == vendor_id)
    if status != "all":
        stmt = stmt.where(col(Registration.status) == status)
    return list(session.exec(stmt.order_by(col(Registration.id).desc()).limit(limit)))


@router.get("/registrations.csv")
def registrations_csv(
    request: Request,
    session: SessionDep,
    vendor_id: int | None = None,
    status: Annotated[str, Query(pattern="^(active|cancelled|all)$")] = "active",
) -> Response:
    """Every registration the page's filters select, as CSV with the fields of
    ``GET /api/v1/registrations``."""
    principal = page_viewer(request, session, Perm.REGISTRATIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    rows = _registrations(session, principal, vendor_id, status, None)
    items = registrations_service.to_public(session, rows)
    return export.models_response("shadowspend-registrations.csv", items)


@router.get("/registrations", response_class=HTMLResponse)
def registrations_page(
    request: Request,
    session: SessionDep,
    vendor_id: int | None = None,
    status: Annotated[str, Query(pattern="^(active|cancelled|all)$")] = "active",
    done: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Every registration the caller may see (a department key: its own department's),
    newest first, with its match and linked findings."""
    principal = page_viewer(request, session, Perm.REGISTRATIONS_READ)
    if not isinstance(principal, Principal):
        return principal
    rows = _registrations(session, principal, vendor_id, status, PAGE_SIZE + 1)
    items = registrations_service.to_public(session, rows[:PAGE_SIZE])
    just_made = next((r for r in items if r.id == done), None) if done else None
    return render(
        request,
        "registrations.html",
        principal,
        items=items,
        more=len(rows) > PAGE_SIZE,
        status=status,
        vendor_id=vendor_id,
        just_made=just_made,
        can_register=allowed(principal.role, Perm.REGISTRATIONS_WRITE, scoped=principal.scoped),
        can_findings=allowed(principal.role, Perm.FINDINGS_READ, scoped=principal.scoped),
    )


def _form_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    form: dict[str, str],
    *,
    status_code: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    names = dict(forms.department_options(session))
    own = names.get(principal.department_id) if principal.department_id else None
    return render(
        request,
        "register.html",
        principal,
        status_code=status_code,
        form=form,
        error=error,
        own_department=own,
        departments=forms.department_options(session),
        periods=PERIODS,
        suggestions=forms.suggestions(session, form.get("name", "")),
    )


@router.get("/registrations/new", response_class=HTMLResponse)
def register_form(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    principal = page_viewer(request, session, Perm.REGISTRATIONS_WRITE)
    if not isinstance(principal, Principal):
        return principal
    form = {"name": name, "currency": get_settings().reporting_currency, "period": "monthly"}
    return _form_page(request, session, principal, form)


class RegistrationForm(BaseModel):
    """The registration form as typed."""

    csrf_token: str = Field(default="", max_length=200)
    name: str = Field(default="", max_length=200)
    department_id: str = Field(default="", max_length=20)
    owner_email: str = Field(default="", max_length=320)
    purpose: str = Field(default="", max_length=2000)
    seats: str = Field(default="", max_length=20)
    cost: str = Field(default="", max_length=40)
    currency: str = Field(default="", max_length=3)
    period: str = Field(default="", max_length=20)
    url: str = Field(default="", max_length=500)
    start_date: str = Field(default="", max_length=20)

    def request(self) -> RegistrationCreate:
        """The API's request, read from what was typed (refused with a plain reason)."""
        department = self.department_id.strip()
        if department and not department.isdigit():
            raise Unprocessable("pick a department from the list")
        currency = (self.currency.strip().upper() or get_settings().reporting_currency)[:3]
        cost_minor = forms.amount(self.cost, currency, "the cost")
        period = self.period if self.period in PERIODS else None
        return RegistrationCreate.model_validate(
            {
                "name": self.name.strip() or None,
                "department_id": int(department) if department else None,
                "owner_email": forms.optional(self.owner_email),
                "purpose": forms.optional(self.purpose),
                "seats": forms.whole(self.seats, "seats"),
                "cost_minor": cost_minor,
                "currency": currency if cost_minor is not None else None,
                "period": period if cost_minor is not None else None,
                "url": forms.optional(self.url),
                "start_date": forms.day(self.start_date, "the start date"),
            }
        )


@router.post("/registrations/new")
def register_tool(
    request: Request, session: SessionDep, sent: Annotated[RegistrationForm, Form()]
) -> Response:
    """Register a tool as ``POST /api/v1/registrations`` does: matched to the catalog and
    linked to the department's findings; a department key registers for its own only."""
    principal = forms.form_principal(
        request, session, sent.csrf_token, "/registrations/new", Perm.REGISTRATIONS_WRITE
    )
    if not isinstance(principal, Principal):
        return principal
    try:
        reg = registrations_service.create(session, sent.request(), principal)
        session.commit()
    except (AppError, ValidationError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, AppError) else 422
        form = sent.model_dump(exclude={"csrf_token"})
        return _form_page(request, session, principal, form, status_code=status, error=refusal(exc))
    notify.registration_alert(session, reg)
    return redirect(f"/registrations?done={reg.id}")


@router.get("/fragments/catalog-suggest", response_class=HTMLResponse)
def catalog_suggest(
    request: Request,
    session: SessionDep,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The catalog's closest software vendors to ``q`` as ``<option>`` elements, for the name
    fields' suggestion lists (fetched as a person types)."""
    principal = fragment_viewer(request, session, Perm.VENDORS_READ)
    if not isinstance(principal, Principal):
        return principal
    return render(
        request, "_catalog_options.html", principal, suggestions=forms.suggestions(session, q)
    )
