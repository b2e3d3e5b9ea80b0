from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, status
from sqlalchemy import or_
from sqlmodel import col, select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.kit.pagination import paginate
from app.models import SanctionedApp
from app.sanctioned import service
from app.sanctioned.schemas import SanctionedAppCreate, SanctionedAppPublic, SanctionedAppUpdate

router = APIRouter(prefix="/sanctioned-apps", tags=["sanctioned apps"])


@router.get("", response_model=Page[SanctionedAppPublic])
def list_sanctioned(
    session: SessionDep,
    page: PageDep,
    principal: Annotated[Principal, Depends(require(Perm.SANCTIONED_READ))],
    vendor_id: int | None = None,
    department_id: int | None = None,
    include_retired: bool = False,
) -> Page[SanctionedAppPublic]:
    """IT's approved inventory: vendor, scope (company-wide or one department), owner,
    contract dates, annual value and seats. A department-scoped key sees its own department's
    apps and the company-wide ones, never another department's."""
    stmt = select(SanctionedApp)
    if not include_retired:
        stmt = stmt.where(SanctionedApp.status == "active")
    if vendor_id is not None:
        stmt = stmt.where(SanctionedApp.vendor_id == vendor_id)
    if principal.scoped:
        own = principal.department_filter(department_id)
        stmt = stmt.where(
            or_(col(SanctionedApp.department_id) == own, col(SanctionedApp.department_id).is_(None))
        )
    elif department_id is not None:
        stmt = stmt.where(SanctionedApp.department_id == department_id)
    rows, cursor = paginate(session, stmt, page, [SanctionedApp.id])  # type: ignore[list-item]
    return Page(items=service.to_public(session, rows), next_cursor=cursor)


@router.post("", response_model=SanctionedAppPublic, status_code=status.HTTP_201_CREATED)
def create_sanctioned(
    data: SanctionedAppCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.SANCTIONED_WRITE))],
) -> SanctionedAppPublic:
    """Add a vendor to the inventory for a department or company-wide. Matching open findings
    close as approved by inventory (`findings_closed`)."""
    row, closed = service.create(session, data, principal)
    session.commit()
    out = service.to_public(session, [row])[0]
    out.findings_closed = closed
    return out


@router.patch("/{app_id}", response_model=SanctionedAppPublic)
def update_sanctioned(
    app_id: int,
    data: SanctionedAppUpdate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.SANCTIONED_WRITE))],
) -> SanctionedAppPublic:
    """Change owner, contract dates, value or seats (send `version` to guard against a
    concurrent edit)."""
    row = service.update_app(session, app_id, data, principal)
    session.commit()
    return service.to_public(session, [row])[0]


@router.post("/{app_id}/retire", response_model=SanctionedAppPublic)
def retire_sanctioned(
    app_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.SANCTIONED_WRITE))],
    comment: Annotated[str | None, Body(embed=True, max_length=4000)] = None,
) -> SanctionedAppPublic:
    """Retire an app from the inventory: its spend counts as outside IT again and the findings
    it had approved reopen."""
    row = service.retire(session, app_id, principal, comment)
    session.commit()
    return service.to_public(session, [row])[0]
