from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from sqlmodel import select

from app import search
from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.api.uploads import NoFields, Upload, multipart_openapi, multipart_upload
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.cardholders import service
from app.kit.pagination import paginate
from app.models import Cardholder, CardholderCreate, CardholderPublic, CardholderUpdate

router = APIRouter(prefix="/cardholders", tags=["cardholders"])
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@router.get("", response_model=Page[CardholderPublic])
def list_cardholders(
    session: SessionDep,
    page: PageDep,
    principal: Annotated[Principal, Depends(require(Perm.CARDHOLDERS_READ))],
    department_id: int | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Name or email contains")] = None,
) -> Page[CardholderPublic]:
    """Cardholders, optionally filtered by department or a name/email search. A
    department-scoped key sees only its own department's."""
    department_id = principal.department_filter(department_id)
    stmt = select(Cardholder)
    if department_id is not None:
        stmt = stmt.where(Cardholder.department_id == department_id)
    if q:
        stmt = stmt.where(search.contains(q, Cardholder.name, Cardholder.email))
    rows, cursor = paginate(session, stmt, page, [Cardholder.id])  # type: ignore[list-item]
    return Page(items=[CardholderPublic.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", response_model=CardholderPublic, status_code=status.HTTP_201_CREATED)
def create_cardholder(
    data: CardholderCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.CARDHOLDERS_WRITE))],
) -> Cardholder:
    """Add a cardholder by hand (connectors add the ones they see)."""
    row = service.create(session, data, principal)
    session.commit()
    return row


@router.patch("/{cardholder_id}", response_model=CardholderPublic)
def update_cardholder(
    cardholder_id: int,
    data: CardholderUpdate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.CARDHOLDERS_WRITE))],
) -> Cardholder:
    """Change a cardholder's name, email or department."""
    row = service.update(session, cardholder_id, data, principal)
    session.commit()
    return row


_read_upload = multipart_upload(
    Perm.CARDHOLDERS_WRITE,
    max_bytes=MAX_UPLOAD_BYTES,
    too_large="the cardholder file is larger than 10 MB",
    fields=NoFields,
)


@router.post(
    "/upload",
    openapi_extra=multipart_openapi(
        NoFields, file_description="CSV with email and department columns"
    ),
)
def upload_cardholders(
    session: SessionDep,
    upload: Annotated[Upload[NoFields], Depends(_read_upload)],
    create_departments: bool = True,
) -> dict[str, Any]:
    """Bulk-assign cardholders to departments from a CSV with `email`, `department` and an
    optional `name` column. All rows apply or none: any bad row rejects the file with
    row-level errors (422)."""
    result = service.bulk_upload(
        session, upload.data, upload.principal, create_departments=create_departments
    )
    session.commit()
    return result.__dict__
