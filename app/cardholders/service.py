"""Cardholders and the bulk email -> department mapping finance usually keeps in a sheet."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.departments import service as department_service
from app.errors import Conflict, NotFound, Unprocessable
from app.models import Cardholder, CardholderCreate, CardholderUpdate, Connection, Department

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_UPLOAD_ROWS = 100_000


def get(session: Session, cardholder_id: int) -> Cardholder:
    row = session.get(Cardholder, cardholder_id)
    if row is None:
        raise NotFound(f"cardholder {cardholder_id} does not exist")
    return row


def _check_refs(session: Session, department_id: int | None, connection_id: int | None) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise Unprocessable(f"department {department_id} does not exist")
    if connection_id is not None and session.get(Connection, connection_id) is None:
        raise Unprocessable(f"connection {connection_id} does not exist")


def by_email(session: Session, email: str) -> Cardholder | None:
    return session.exec(
        select(Cardholder).where(func.lower(Cardholder.email) == email.strip().lower())
    ).first()


def create(session: Session, data: CardholderCreate, actor: Principal) -> Cardholder:
    _check_refs(session, data.department_id, data.connection_id)
    if data.email and by_email(session, data.email) is not None:
        raise Conflict(f"a cardholder with email {data.email} already exists")
    if data.external_id is not None:
        clash = session.exec(
            select(Cardholder).where(
                Cardholder.connection_id == data.connection_id,
                Cardholder.external_id == data.external_id,
            )
        ).first()
        if clash is not None:
            raise Conflict(f"cardholder {data.external_id!r} already exists for that connection")
    row = Cardholder.model_validate(data)
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor, "cardholder.created", "cardholder", row.id, after=data.model_dump()
    )
    return row


def update(
    session: Session, cardholder_id: int, data: CardholderUpdate, actor: Principal
) -> Cardholder:
    row = get(session, cardholder_id)
    changes = data.model_dump(exclude_unset=True)
    _check_refs(session, changes.get("department_id"), None)
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        setattr(row, key, value)
    session.add(row)
    audit_service.record(
        session, actor, "cardholder.updated", "cardholder", row.id, before=before, after=changes
    )
    return row


@dataclass
class UploadResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    departments_created: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class UploadRowError:
    row: int
    field: str | None
    message: str


class UploadRejected(Unprocessable):
    def __init__(self, errors: list[UploadRowError]) -> None:
        first = errors[0]
        where = f"row {first.row}" + (f", {first.field}" if first.field else "")
        super().__init__(
            f"the file was rejected, nothing was changed: {len(errors)} error(s); "
            f"first at {where}: {first.message}",
            extra={"errors": [e.__dict__ for e in errors[:1000]]},
        )


def _header_index(headers: list[str], names: tuple[str, ...]) -> int | None:
    normalised = [h.strip().lower().replace(" ", "_") for h in headers]
    for name in names:
        if name in normalised:
            return normalised.index(name)
    return None


def bulk_upload(
    session: Session, content: bytes, actor: Principal, *, create_departments: bool = True
) -> UploadResult:
    """Apply a CSV of ``email,department[,name]``: all rows or none.

    Cardholders are matched by email (case-insensitive); unknown emails are created. Unknown
    departments are created when ``create_departments`` is set, otherwise refused.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _apply_upload(session, reader, actor, create_departments=create_departments)
    except csv.Error as exc:
        raise Unprocessable(f"the file is not a readable CSV: {exc}") from None


def _apply_upload(
    session: Session, reader: Any, actor: Principal, *, create_departments: bool
) -> UploadResult:
    headers = next(reader, None)
    if not headers:
        raise Unprocessable("the file is empty; expected a header row with email and department")
    email_i = _header_index(headers, ("email", "cardholder_email", "e-mail", "mail"))
    dept_i = _header_index(headers, ("department", "department_name", "dept", "team"))
    name_i = _header_index(headers, ("name", "cardholder_name", "full_name", "cardholder"))
    missing = [n for n, i in (("email", email_i), ("department", dept_i)) if i is None]
    if missing:
        raise Unprocessable(
            f"missing column(s) {', '.join(missing)}; found: {', '.join(headers)}",
            extra={
                "errors": [{"row": 1, "field": m, "message": "missing column"} for m in missing]
            },
        )
    assert email_i is not None
    assert dept_i is not None
    parsed: list[tuple[str, str, str | None]] = []
    errors: list[UploadRowError] = []
    seen: dict[str, int] = {}
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(parsed) >= MAX_UPLOAD_ROWS:
            errors.append(UploadRowError(number, None, f"more than {MAX_UPLOAD_ROWS} rows"))
            break
        email = record[email_i].strip() if email_i < len(record) else ""
        dept_text = record[dept_i].strip() if dept_i < len(record) else ""
        name = record[name_i].strip() if name_i is not None and name_i < len(record) else None
        if not _EMAIL.match(email):
            errors.append(UploadRowError(number, "email", f"not an email address: {email!r}"))
            continue
        if not dept_text:
            errors.append(UploadRowError(number, "department", "empty department"))
            continue
        if email.lower() in seen:
            errors.append(
                UploadRowError(number, "email", f"duplicate of row {seen[email.lower()]}")
            )
            continue
        seen[email.lower()] = number
        parsed.append((email, dept_text, name or None))
    departments = {d.name.lower(): d for d in department_service.all_departments(session)}
    if not create_departments or not department_service.may_create(actor):
        why = "" if not create_departments else " (only an admin may create one: create it first)"
        for number, (_, wanted, _) in zip(seen.values(), parsed, strict=False):
            if wanted.lower() not in departments:
                errors.append(
                    UploadRowError(number, "department", f"unknown department {wanted!r}{why}")
                )
    if errors:
        raise UploadRejected(errors)

    result = UploadResult(rows=len(parsed))
    existing = {
        c.email.lower(): c
        for c in session.exec(select(Cardholder).where(Cardholder.email.is_not(None)))  # type: ignore[union-attr]
        if c.email
    }
    for email, dept_name, name in parsed:
        found = departments.get(dept_name.lower())
        if found is None:
            found = department_service.ensure(session, dept_name, actor, source="cardholder upload")
            departments[dept_name.lower()] = found
            result.departments_created.append(found.name)
        dept = found
        holder = existing.get(email.lower())
        if holder is None:
            session.add(Cardholder(email=email, name=name, department_id=dept.id))
            result.created += 1
        elif holder.department_id != dept.id or (name and holder.name != name):
            holder.department_id = dept.id
            if name:
                holder.name = name
            session.add(holder)
            result.updated += 1
        else:
            result.unchanged += 1
    audit_service.record(
        session,
        actor,
        "cardholder.bulk_upload",
        "cardholder",
        None,
        after={
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "departments_created": result.departments_created,
        },
    )
    return result
