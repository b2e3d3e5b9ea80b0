from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status
from sqlmodel import select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.departments import service
from app.errors import Forbidden
from app.findings import engine as findings_engine
from app.kit.pagination import paginate
from app.models import Department, DepartmentCreate, DepartmentPublic, DepartmentUpdate

router = APIRouter(prefix="/departments", tags=["departments"])


@router.get("", response_model=Page[DepartmentPublic])
def list_departments(
    session: SessionDep,
    page: PageDep,
    principal: Annotated[Principal, Depends(require(Perm.DEPARTMENTS_READ))],
) -> Page[DepartmentPublic]:
    """Every department; a department-scoped key sees only its own."""
    stmt = select(Department)
    if principal.scoped:
        stmt = stmt.where(Department.id == principal.department_id)
    rows, cursor = paginate(session, stmt, page, [Department.id])  # type: ignore[list-item]
    return Page(items=[DepartmentPublic.model_validate(r) for r in rows], next_cursor=cursor)


@router.post("", response_model=DepartmentPublic, status_code=status.HTTP_201_CREATED)
def create_department(
    data: DepartmentCreate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.DEPARTMENTS_WRITE))],
) -> Department:
    """Create a department. Mark IT departments with `is_it`: what they buy is IT-procured.
    A name already used (case-insensitive) answers 409."""
    row = service.create(session, data, principal)
    session.commit()
    return row


@router.get("/{department_id}", response_model=DepartmentPublic)
def get_department(
    department_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.DEPARTMENTS_READ))],
) -> Department:
    """One department."""
    if principal.scoped and principal.department_id != department_id:
        raise Forbidden("this key is scoped to another department")
    return service.get(session, department_id)


@router.patch("/{department_id}", response_model=DepartmentPublic)
def update_department(
    department_id: int,
    data: DepartmentUpdate,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.DEPARTMENTS_WRITE))],
) -> Department:
    """Rename a department, change its cost centre, or mark it as IT."""
    row = service.update(session, department_id, data, principal)
    # Rows that changed sides are pending deltas; unrecognised software changes sides too.
    findings_engine.refresh(session, [], candidates=None)
    session.commit()
    return row


@router.delete("/{department_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_department(
    department_id: int,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.DEPARTMENTS_WRITE))],
) -> None:
    """Delete an unused department (409 while transactions or cardholders point to it)."""
    service.delete(session, department_id, principal)
    session.commit()
