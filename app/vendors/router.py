from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.classification import service as classification_service
from app.kit.pagination import paginate
from app.models import Vendor, VendorCreate, VendorPublic, VendorUpdate
from app.vendors import service

router = APIRouter(prefix="/vendors", tags=["vendors"])


@router.get("", response_model=Page[VendorPublic])
def list_vendors(
    session: SessionDep,
    page: PageDep,
    _: Annotated[Principal, Depends(require(Perm.VENDORS_READ))],
    q: Annotated[str | None, Query(max_length=100, description="Name or slug contains")] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    source: Annotated[str | None, Query(pattern="^(builtin|custom)$")] = None,
    is_software: bool | None = None,
) -> Page[VendorPublic]:
    """The vendor catalog: built-in vendors plus the ones your admins added."""
    stmt = select(Vendor)
    if q:
        stmt = stmt.where(service.name_contains(q))
    if category:
        stmt = stmt.where(Vendor.category == category)
    if source:
        stmt = stmt.where(Vendor.source == source)
    if is_software is not None:
        stmt = stmt.where(Vendor.is_software == is_software)
    rows, cursor = paginate(session, stmt, page, [Vendor.id])  # type: ignore[list-item]
    return Page(items=[VendorPublic.model_validate(r) for r in rows], next_cursor=cursor)


@router.get("/{vendor_id}", response_model=VendorPublic)
def get_vendor(
    vendor_id: int,
    session: SessionDep,
    _: Annotated[Principal, Depends(require(Perm.VENDORS_READ))],
) -> Vendor:
    """One vendor with its domains, aliases and known billing descriptors."""
    return service.get(session, vendor_id)


@router.post("", response_model=VendorPublic, status_code=status.HTTP_201_CREATED)
def create_vendor(
    data: VendorCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.VENDORS_WRITE))],
) -> Vendor:
    """Add a custom vendor (kept across catalog upgrades). New transactions recognise it at
    once; run `POST /reclassify` to apply it to history."""
    row = service.create(session, data, principal)
    session.commit()
    classification_service.invalidate_cache()
    return row


@router.patch("/{vendor_id}", response_model=VendorPublic)
def update_vendor(
    vendor_id: int,
    data: VendorUpdate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.VENDORS_WRITE))],
) -> Vendor:
    """Edit a vendor: add aliases or billing descriptors, fix its category. An edited
    built-in vendor is no longer overwritten by catalog upgrades."""
    row = service.update(session, vendor_id, data, principal)
    session.commit()
    classification_service.invalidate_cache()
    return row
