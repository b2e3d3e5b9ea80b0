from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.api_keys import service
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.kit.pagination import paginate
from app.models import ApiKey, ApiKeyCreate, ApiKeyCreated, ApiKeyPublic

router = APIRouter(prefix="/api-keys", tags=["api-keys"])


@router.get("", response_model=Page[ApiKeyPublic])
def list_api_keys(
    session: SessionDep,
    page: PageDep,
    _: Annotated[Principal, Depends(require(Perm.API_KEYS_MANAGE))],
) -> Page[ApiKeyPublic]:
    """Every key with its role, scope and last use. Keys themselves are never shown again."""
    rows, cursor = paginate(session, select(ApiKey), page, [ApiKey.id])  # type: ignore[list-item]
    return Page(items=[ApiKeyPublic.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED)
def create_api_key(
    data: ApiKeyCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.API_KEYS_MANAGE))],
) -> ApiKeyCreated:
    """Create a key. The response carries the key once; only its hash is stored."""
    row, clear = service.create_key(
        session,
        name=data.name,
        role=data.role,
        department_id=data.department_id,
        actor=principal,
    )
    session.commit()
    return ApiKeyCreated.model_validate(row, update={"key": clear})


@router.delete("/{key_id}", response_model=ApiKeyPublic)
def revoke_api_key(
    key_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.API_KEYS_MANAGE))],
) -> ApiKey:
    """Revoke a key: it stops working at once on the server process that revoked it, and
    within 2 seconds on every other worker process. The row stays for the audit trail."""
    row = service.revoke(session, key_id, principal)
    session.commit()
    return row
