"""IT's inventory of approved software. Adding to it closes the matching live findings
(approved, because sanctioned: each keeps its evidence and gets its own audit event);
retiring reopens the approved findings it no longer covers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.findings import closing, engine
from app.models import ClosedReason, Department, SanctionedApp, Vendor
from app.outside_it import service as outside
from app.sanctioned.schemas import SanctionedAppCreate, SanctionedAppPublic, SanctionedAppUpdate


def get(session: Session, app_id: int) -> SanctionedApp:
    row = session.get(SanctionedApp, app_id)
    if row is None:
        raise NotFound(f"sanctioned app {app_id} does not exist")
    return row


def _view(row: SanctionedApp) -> dict[str, Any]:
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in row.model_dump(exclude={"created_at", "updated_at"}).items()
    }


def to_public(session: Session, rows: list[SanctionedApp]) -> list[SanctionedAppPublic]:
    vendors = {
        v.id: v
        for v in session.exec(
            select(Vendor).where(col(Vendor.id).in_({r.vendor_id for r in rows} or {0}))
        )
    }
    depts = {d.id: d.name for d in session.exec(select(Department))}
    out = []
    for r in rows:
        assert r.id is not None
        v = vendors.get(r.vendor_id)
        out.append(
            SanctionedAppPublic(
                id=r.id,
                vendor_id=r.vendor_id,
                vendor_name=v.name if v else None,
                category=v.category if v else None,
                department_id=r.department_id,
                department_name=depts.get(r.department_id) if r.department_id else None,
                scope="company" if r.department_id is None else "department",
                owner_email=r.owner_email,
                contract_start=r.contract_start,
                contract_end=r.contract_end,
                annual_value_minor=r.annual_value_minor,
                currency=r.currency,
                seats=r.seats,
                notice_days=r.notice_days,
                notes=r.notes,
                status=r.status,
                version=r.version,
                created_at=r.created_at,
                updated_at=r.updated_at,
            )
        )
    return out


def create(
    session: Session, data: SanctionedAppCreate, actor: Principal
) -> tuple[SanctionedApp, int]:
    if session.get(Vendor, data.vendor_id) is None:
        raise Unprocessable(f"vendor {data.vendor_id} does not exist")
    if data.department_id is not None and session.get(Department, data.department_id) is None:
        raise Unprocessable(f"department {data.department_id} does not exist")
    clash = session.exec(
        select(SanctionedApp).where(
            SanctionedApp.vendor_id == data.vendor_id,
            SanctionedApp.status == "active",
            SanctionedApp.department_id == data.department_id
            if data.department_id is not None
            else col(SanctionedApp.department_id).is_(None),
        )
    ).first()
    if clash is not None:
        raise Conflict(f"already sanctioned for that scope (sanctioned app {clash.id})")
    row = SanctionedApp(**data.model_dump())
    session.add(row)
    session.flush()
    live = closing.live_findings(session, row.vendor_id, row.department_id)
    event = audit_service.record(
        session,
        actor,
        "sanctioned_app.created",
        "sanctioned_app",
        row.id,
        after={**_view(row), "findings_closed": len(live)},
    )
    session.flush()
    closed = closing.approve_all(
        session,
        actor,
        row.vendor_id,
        row.department_id,
        reason=ClosedReason.SANCTIONED,
        cause=event,
        comment=f"approved: added to the sanctioned inventory (sanctioned app {row.id})",
        extra={"sanctioned_app_id": row.id},
    )
    outside.recompute(session, [row.vendor_id])
    engine.refresh(session, [row.vendor_id])
    return row, len(closed)


def update_app(
    session: Session, app_id: int, data: SanctionedAppUpdate, actor: Principal
) -> SanctionedApp:
    row = get(session, app_id)
    if data.version is not None and data.version != row.version:
        raise Conflict(f"sanctioned app {app_id} changed since you read it; reload")
    before = _view(row)
    for key, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
        setattr(row, key, value)
    if row.contract_start and row.contract_end and row.contract_end < row.contract_start:
        raise Unprocessable("contract_end is before contract_start")
    row.version += 1
    row.updated_at = utcnow()
    session.add(row)
    audit_service.record(
        session,
        actor,
        "sanctioned_app.updated",
        "sanctioned_app",
        row.id,
        before=before,
        after=_view(row),
    )
    return row


def retire(session: Session, app_id: int, actor: Principal, comment: str | None) -> SanctionedApp:
    row = get(session, app_id)
    if row.status == "retired":
        raise Conflict(f"sanctioned app {app_id} is already retired")
    before = _view(row)
    row.status = "retired"
    row.version += 1
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    event = audit_service.record(
        session,
        actor,
        "sanctioned_app.retired",
        "sanctioned_app",
        row.id,
        before=before,
        after=_view(row),
        comment=comment,
    )
    session.flush()
    # Its spend is outside IT again; the approved findings it no longer covers reopen.
    outside.recompute(session, [row.vendor_id])
    closing.reopen_unsanctioned(
        session,
        actor,
        row.vendor_id,
        row.department_id,
        cause=event,
        comment=f"sanctioned app {row.id} retired",
    )
    return row
