"""Sanctioned apps and contracts: IT's approved inventory with scope, owner, contract dates,
seats and annual value; forms to add, edit and retire (through the same audited services as
``/api/v1/sanctioned-apps``); and a renewals calendar by contract value."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, ValidationError

from app.api.deps import SessionDep
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.config import get_settings
from app.dashboard import contracts, export, forms
from app.dashboard.render import error_page, page_viewer, redirect, render
from app.dashboard.review import refusal
from app.db import utcnow
from app.errors import AppError, Unprocessable
from app.models import Vendor
from app.sanctioned import service as sanctioned_service
from app.sanctioned.schemas import SanctionedAppCreate, SanctionedAppUpdate
from connectors.money import format_minor

router = APIRouter(include_in_schema=False)
DONE = "^(added|edited|retired)$"


@router.get("/sanctioned", response_class=HTMLResponse)
def sanctioned_page(
    request: Request,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(active|retired|all)$")] = "active",
    done: Annotated[str | None, Query(pattern=DONE)] = None,
    app: Annotated[int | None, Query(alias="app", ge=1)] = None,
    closed: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """IT's approved inventory a caller may see, and the contracts ending in the next
    twelve months, month by month, most valuable first."""
    principal = page_viewer(request, session, Perm.SANCTIONED_READ)
    if not isinstance(principal, Principal):
        return principal
    today = utcnow().date()
    items = contracts.visible(session, principal, status)
    active = items if status == "active" else contracts.visible(session, principal, "active")
    notice = None
    if done and app is not None:
        named = next((a for a in [*items, *active] if a.id == app), None)
        what = f"{named.vendor_name} ({named.department_name or 'company-wide'})" if named else "It"
        notice = {
            "added": f"{what} is in the sanctioned inventory"
            + (
                f"; {closed} open finding{'' if closed == 1 else 's'} closed as approved"
                if closed
                else ""
            )
            + ".",
            "edited": f"{what} was changed.",
            "retired": f"{what} was retired: its spend counts as outside IT again and the "
            "findings it had approved reopen.",
        }[done]
    return render(
        request,
        "sanctioned.html",
        principal,
        items=items,
        status=status,
        calendar=contracts.calendar(active, today),
        act_by=contracts.act_by,
        today=today,
        notice=notice,
        can_write=allowed(principal.role, Perm.SANCTIONED_WRITE, scoped=principal.scoped),
        currency=get_settings().reporting_currency,
    )


@router.get("/sanctioned.csv")
def sanctioned_csv(
    request: Request,
    session: SessionDep,
    status: Annotated[str, Query(pattern="^(active|retired|all)$")] = "active",
) -> Response:
    """The sanctioned inventory the page lists (the same status), as CSV with the fields of
    ``GET /api/v1/sanctioned-apps``."""
    principal = page_viewer(request, session, Perm.SANCTIONED_READ)
    if not isinstance(principal, Principal):
        return principal
    items = contracts.visible(session, principal, status)
    return export.models_response("shadowspend-sanctioned.csv", items)


def _form(
    request: Request,
    session: SessionDep,
    principal: Principal,
    template: str,
    form: dict[str, str],
    *,
    status_code: int = 200,
    error: str | None = None,
    **extra: object,
) -> HTMLResponse:
    return render(
        request,
        template,
        principal,
        status_code=status_code,
        form=form,
        error=error,
        departments=forms.department_options(session),
        suggestions=forms.suggestions(session, form.get("vendor", "")),
        **extra,
    )


@router.get("/sanctioned/new", response_class=HTMLResponse)
def new_form(
    request: Request,
    session: SessionDep,
    vendor: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    principal = page_viewer(request, session, Perm.SANCTIONED_WRITE)
    if not isinstance(principal, Principal):
        return principal
    form = {"vendor": vendor, "currency": get_settings().reporting_currency}
    return _form(request, session, principal, "sanctioned_form.html", form, app=None)


class ContractForm(BaseModel):
    """The contract fields both forms share, as typed (read by :func:`_terms`)."""

    csrf_token: str = Field(default="", max_length=200)
    owner_email: str = Field(default="", max_length=320)
    contract_start: str = Field(default="", max_length=40)
    contract_end: str = Field(default="", max_length=40)
    seats: str = Field(default="", max_length=40)
    annual_value: str = Field(default="", max_length=40)
    currency: str = Field(default="", max_length=40)
    notice_days: str = Field(default="", max_length=40)
    notes: str = Field(default="", max_length=4000)

    def fields(self) -> dict[str, str]:
        """What the page shows again when the form is refused."""
        return self.model_dump(exclude={"csrf_token"})


class NewAppForm(ContractForm):
    vendor: str = Field(default="", max_length=200)
    vendor_id: str = Field(default="", max_length=40)
    department_id: str = Field(default="", max_length=40)


class EditAppForm(ContractForm):
    version: str = Field(default="", max_length=40)


def _terms(form: ContractForm) -> dict[str, object]:
    """The contract fields read from what was typed, as the API's request models take them."""
    currency = (form.currency.strip().upper() or get_settings().reporting_currency)[:3]
    value = forms.amount(form.annual_value, currency, "the annual value")
    return {
        "owner_email": forms.optional(form.owner_email),
        "contract_start": forms.day(form.contract_start, "the contract start"),
        "contract_end": forms.day(form.contract_end, "the contract end"),
        "seats": forms.whole(form.seats, "seats"),
        "annual_value_minor": value,
        "currency": currency if value is not None else None,
        "notice_days": forms.whole(form.notice_days, "the notice period"),
        "notes": forms.optional(form.notes),
    }


@router.post("/sanctioned/new")
def add_app(request: Request, session: SessionDep, sent: Annotated[NewAppForm, Form()]) -> Response:
    """Add a vendor to the inventory for a department or company-wide, as
    ``POST /api/v1/sanctioned-apps`` does: matching open findings close as approved."""
    principal = forms.form_principal(
        request, session, sent.csrf_token, "/sanctioned/new", Perm.SANCTIONED_WRITE
    )
    if not isinstance(principal, Principal):
        return principal
    try:
        picked = forms.resolve_vendor(session, sent.vendor_id, sent.vendor)
        department = sent.department_id.strip()
        if department and not department.isdigit():
            raise Unprocessable("pick a scope from the list")
        data = SanctionedAppCreate.model_validate(
            {
                "vendor_id": picked.id,
                "department_id": int(department) if department else None,
                **_terms(sent),
            }
        )
        row, closed = sanctioned_service.create(session, data, principal)
        session.commit()
    except (AppError, ValidationError) as exc:
        session.rollback()
        return _form(
            request,
            session,
            principal,
            "sanctioned_form.html",
            sent.fields(),
            status_code=exc.status if isinstance(exc, AppError) else 422,
            error=refusal(exc),
            app=None,
        )
    return redirect("/sanctioned?" + urlencode({"done": "added", "app": row.id, "closed": closed}))


def _edit_page(
    request: Request,
    session: SessionDep,
    principal: Principal,
    app_id: int,
    form: dict[str, str] | None = None,
    *,
    status_code: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    row = sanctioned_service.get(session, app_id)
    public = sanctioned_service.to_public(session, [row])[0]
    if form is None:
        form = {
            "owner_email": row.owner_email or "",
            "contract_start": row.contract_start.isoformat() if row.contract_start else "",
            "contract_end": row.contract_end.isoformat() if row.contract_end else "",
            "seats": "" if row.seats is None else str(row.seats),
            "annual_value": ""
            if row.annual_value_minor is None
            else format_minor(
                row.annual_value_minor, row.currency or get_settings().reporting_currency
            ),
            "currency": row.currency or get_settings().reporting_currency,
            "notice_days": "" if row.notice_days is None else str(row.notice_days),
            "notes": row.notes or "",
            "version": str(row.version),
        }
    return _form(
        request,
        session,
        principal,
        "sanctioned_edit.html",
        form,
        status_code=status_code,
        error=error,
        app=public,
        vendor=session.get(Vendor, row.vendor_id),
    )


@router.get("/sanctioned/{app_id}/edit", response_class=HTMLResponse)
def edit_form(app_id: int, request: Request, session: SessionDep) -> Response:
    principal = page_viewer(request, session, Perm.SANCTIONED_WRITE)
    if not isinstance(principal, Principal):
        return principal
    try:
        return _edit_page(request, session, principal, app_id)
    except AppError as exc:
        return error_page(request, principal, exc)


@router.post("/sanctioned/{app_id}/edit")
def edit_app(
    app_id: int, request: Request, session: SessionDep, sent: Annotated[EditAppForm, Form()]
) -> Response:
    """Change owner, contract dates, seats, value or notice (``PATCH`` with the version the
    form showed, so an edit someone made meanwhile is not overwritten)."""
    back = f"/sanctioned/{app_id}/edit"
    principal = forms.form_principal(request, session, sent.csrf_token, back, Perm.SANCTIONED_WRITE)
    if not isinstance(principal, Principal):
        return principal
    try:
        data = SanctionedAppUpdate.model_validate(
            {**_terms(sent), "version": forms.whole(sent.version, "the version")}
        )
        sanctioned_service.update_app(session, app_id, data, principal)
        session.commit()
    except (AppError, ValidationError) as exc:
        session.rollback()
        status = exc.status if isinstance(exc, AppError) else 422
        return _edit_again(request, session, principal, app_id, sent.fields(), status, exc)
    return redirect("/sanctioned?" + urlencode({"done": "edited", "app": app_id}))


def _edit_again(
    request: Request,
    session: SessionDep,
    principal: Principal,
    app_id: int,
    form: dict[str, str] | None,
    status: int,
    exc: AppError | ValidationError,
) -> HTMLResponse:
    try:
        return _edit_page(
            request, session, principal, app_id, form, status_code=status, error=refusal(exc)
        )
    except AppError as missing:
        return error_page(request, principal, missing)


@router.post("/sanctioned/{app_id}/retire")
def retire_app(
    app_id: int,
    request: Request,
    session: SessionDep,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    comment: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Retire an app: its spend counts as outside IT again; the findings it approved reopen."""
    back = f"/sanctioned/{app_id}/edit"
    principal = forms.form_principal(request, session, csrf_token, back, Perm.SANCTIONED_WRITE)
    if not isinstance(principal, Principal):
        return principal
    try:
        sanctioned_service.retire(session, app_id, principal, forms.optional(comment))
        session.commit()
    except AppError as exc:
        session.rollback()
        return _edit_again(request, session, principal, app_id, None, exc.status, exc)
    return redirect("/sanctioned?" + urlencode({"done": "retired", "app": app_id, "status": "all"}))
