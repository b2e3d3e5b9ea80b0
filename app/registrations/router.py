from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.findings import notify
from app.kit.pagination import paginate
from app.models import Registration
from app.registrations import service
from app.registrations.schemas import (
    RegistrationCreate,
    RegistrationPublic,
    RegistrationUpdate,
)

router = APIRouter(prefix="/registrations", tags=["registrations"])


@router.get("", response_model=Page[RegistrationPublic])
def list_registrations(
    session: SessionDep,
    page: PageDep,
    principal: Annotated[Principal, Depends(require(Perm.REGISTRATIONS_READ))],
    department_id: int | None = None,
    not_seen: bool = False,
) -> Page[RegistrationPublic]:
    """Tools business teams declared. `not_seen=true` lists the ones with no spend seen yet
    (declared, not seen). A department-scoped key sees only its own department's."""
    stmt = select(Registration)
    department_id = principal.department_filter(department_id)
    if department_id is not None:
        stmt = stmt.where(Registration.department_id == department_id)
    if not_seen:
        stmt = stmt.where(service.not_seen_filter())
    rows, cursor = paginate(session, stmt, page, [Registration.id])  # type: ignore[list-item]
    return Page(items=service.to_public(session, rows), next_cursor=cursor)


def webhook_delivery() -> notify.Delivery:
    """How the registration alert goes out: the network, off the request thread (tests
    override this dependency)."""
    return notify.Delivery()


@router.post("", response_model=RegistrationPublic, status_code=status.HTTP_201_CREATED)
def create_registration(
    data: RegistrationCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.REGISTRATIONS_WRITE))],
    delivery: Annotated[notify.Delivery, Depends(webhook_delivery)],
) -> RegistrationPublic:
    """Register a tool your team uses, by name (matched to the catalog; `alternatives` when
    ambiguous) or by `vendor_id`. It is linked to your department's findings for the vendor,
    which then show "declared by <team> on <date>"."""
    reg = service.create(session, data, principal)
    session.commit()
    notify.registration_alert(session, reg, delivery)
    return service.to_public(session, [reg])[0]


@router.get("/{registration_id}", response_model=RegistrationPublic)
def get_registration(
    registration_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.REGISTRATIONS_READ))],
) -> RegistrationPublic:
    """One registration with its match and linked findings."""
    return service.to_public(session, [service.get(session, registration_id, principal)])[0]


@router.patch("/{registration_id}", response_model=RegistrationPublic)
def update_registration(
    registration_id: int,
    data: RegistrationUpdate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.REGISTRATIONS_WRITE))],
) -> RegistrationPublic:
    """Resolve an ambiguous match (`vendor_id`), change seats or cost, or cancel."""
    reg = service.update_registration(session, registration_id, data, principal)
    session.commit()
    return service.to_public(session, [reg])[0]
