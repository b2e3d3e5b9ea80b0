"""Departments: who spends, and which of them is IT."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth.permissions import Perm, allowed
from app.auth.principal import Principal
from app.errors import Conflict, NotFound
from app.models import Department, DepartmentCreate, DepartmentUpdate
from app.outside_it import service as outside

MAX_NAME_CHARS = 120  # the column's width


def get(session: Session, department_id: int) -> Department:
    row = session.get(Department, department_id)
    if row is None:
        raise NotFound(f"department {department_id} does not exist")
    return row


def by_name(session: Session, name: str) -> Department | None:
    return session.exec(
        select(Department).where(func.lower(Department.name) == name.strip().lower())
    ).first()


def _ensure_unique(session: Session, name: str, exclude_id: int | None = None) -> None:
    existing = by_name(session, name)
    if existing is not None and existing.id != exclude_id:
        raise Conflict(f"a department named {existing.name!r} already exists")


def create(session: Session, data: DepartmentCreate, actor: Principal) -> Department:
    _ensure_unique(session, data.name)
    row = Department.model_validate(data)
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor, "department.created", "department", row.id, after=data.model_dump()
    )
    return row


def update(
    session: Session, department_id: int, data: DepartmentUpdate, actor: Principal
) -> Department:
    row = get(session, department_id)
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is not None:
        _ensure_unique(session, changes["name"], exclude_id=department_id)
    before = {k: getattr(row, k) for k in changes}
    was_it = bool(row.is_it)
    for key, value in changes.items():
        if value is not None or key == "cost_centre":
            setattr(row, key, value)
    session.add(row)
    if bool(row.is_it) != was_it:
        # What an IT department buys is IT-procured: its rows change sides here, and the
        # findings follow when the owner folds the pending deltas (findings.engine.refresh).
        outside.recompute(session, department_id=row.id)
    audit_service.record(
        session, actor, "department.updated", "department", row.id, before=before, after=changes
    )
    return row


def delete(session: Session, department_id: int, actor: Principal) -> None:
    from app.models import Cardholder, Transaction

    row = get(session, department_id)
    in_use = session.exec(
        select(func.count()).select_from(Transaction).where(Transaction.department_id == row.id)
    ).one()
    holders = session.exec(
        select(func.count()).select_from(Cardholder).where(Cardholder.department_id == row.id)
    ).one()
    if in_use or holders:
        raise Conflict(
            f"department {row.name!r} has {in_use} transactions and {holders} cardholders; "
            "move them first"
        )
    try:
        with session.begin_nested():
            session.delete(row)
    except IntegrityError:
        raise Conflict(
            f"department {row.name!r} is still referenced (API keys, sanctioned apps, "
            "registrations or findings); remove those first"
        ) from None
    audit_service.record(
        session, actor, "department.deleted", "department", department_id, before={"name": row.name}
    )


def may_create(actor: Principal) -> bool:
    """Whether data ``actor`` brings in (a file, a cardholder list) may create departments:
    only a caller who may create them directly (and sees every department)."""
    return allowed(actor.role, Perm.DEPARTMENTS_WRITE) and not actor.scoped


def ensure(session: Session, name: str, actor: Principal, *, source: str) -> Department:
    """Find a department by name (case-insensitive) or create it, audited as ``actor``'s with
    ``source`` saying what brought it (an import, a sync, a cardholder upload). Callers check
    :func:`may_create` first for a person's data; a sync creates as the system."""
    name = name.strip()[:MAX_NAME_CHARS]
    row = by_name(session, name)
    if row is None:
        row = Department(name=name)
        session.add(row)
        session.flush()
        audit_service.record(
            session,
            actor,
            "department.created",
            "department",
            row.id,
            after={"name": row.name, "is_it": False, "source": source},
        )
    return row


def all_departments(session: Session) -> list[Department]:
    return list(session.exec(select(Department).order_by(col(Department.name))))
