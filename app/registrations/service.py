"""Business teams declare the tools they use; each is matched to the catalog and linked to
its department's findings, so IT sees "declared by marketing" next to the spend."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process, utils
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Forbidden, NotFound, Unprocessable
from app.models import Department, Finding, Registration, Transaction, Vendor
from app.registrations.schemas import (
    Alternative,
    RegistrationCreate,
    RegistrationPublic,
    RegistrationUpdate,
)
from app.vendors import service as vendor_service

# Chosen on the catalog's own names: WRatio >= 90 with a 5-point lead is a confident pick.
MATCH_CUTOFF = 90.0
MATCH_MARGIN = 5.0
_URL_HOST = re.compile(r"^(?:https?://)?(?:www\.)?([^/:?#]+)", re.IGNORECASE)


def match_vendor(
    session: Session, name: str, url: str | None = None
) -> tuple[int | None, list[dict[str, Any]]]:
    """(vendor id or None, alternatives). Exact name/alias/domain first, then fuzzy."""
    exact = vendor_service.find_by_name(session, name)
    if exact is not None and exact.id is not None:
        return exact.id, []
    vendors = [v for v in session.exec(select(Vendor)) if v.is_software and v.id is not None]
    host = None
    if url:
        m = _URL_HOST.match(url.strip())
        host = m.group(1).lower() if m else None
    if host:
        for v in vendors:
            if any(host == d or host.endswith("." + d) for d in v.domains or ()):
                return v.id, []
    choices: dict[int, str] = {v.id: v.name for v in vendors if v.id is not None}
    found = process.extract(
        name, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=4
    )
    scored: list[tuple[int, str, float]] = [
        (int(key), str(label), round(float(score), 1)) for label, score, key in found if score >= 60
    ]
    alternatives = [{"vendor_id": k, "name": n, "score": sc} for k, n, sc in scored]
    if scored:
        top = scored[0][2]
        runner_up = scored[1][2] if len(scored) > 1 else 0.0
        if top >= MATCH_CUTOFF and top - runner_up >= MATCH_MARGIN:
            return scored[0][0], alternatives[1:]
    return None, alternatives[:3]


def _link(session: Session, reg: Registration) -> list[int]:
    if reg.vendor_id is None:
        return []
    session.execute(
        update(Finding)
        .where(
            col(Finding.vendor_id) == reg.vendor_id,
            col(Finding.department_id) == reg.department_id,
        )
        .values(registration_id=reg.id, updated_at=utcnow())
    )
    ids = session.exec(
        select(Finding.id).where(
            Finding.vendor_id == reg.vendor_id, Finding.department_id == reg.department_id
        )
    ).all()
    return [i for i in ids if i is not None]


def create(session: Session, data: RegistrationCreate, actor: Principal) -> Registration:
    department_id = data.department_id
    if actor.scoped:
        if department_id is not None and department_id != actor.department_id:
            raise Forbidden("this key can register tools only for its own department")
        department_id = actor.department_id
    if department_id is None:
        raise Unprocessable("department_id is required for a key without a department")
    if session.get(Department, department_id) is None:
        raise Unprocessable(f"department {department_id} does not exist")
    alternatives: list[dict[str, Any]] = []
    vendor_id = data.vendor_id
    if vendor_id is not None:
        vendor = session.get(Vendor, vendor_id)
        if vendor is None:
            raise Unprocessable(f"vendor {vendor_id} does not exist")
        name = data.name or vendor.name
    else:
        assert data.name is not None
        name = data.name.strip()
        vendor_id, alternatives = match_vendor(session, name, data.url)
    reg = Registration(
        name_as_typed=name,
        vendor_id=vendor_id,
        match_alternatives=alternatives,
        department_id=department_id,
        owner_email=data.owner_email,
        purpose=data.purpose,
        seats=data.seats,
        cost_minor=data.cost_minor,
        currency=data.currency,
        period=data.period,
        url=data.url,
        start_date=data.start_date,
        created_by_key_id=actor.key_id,
    )
    session.add(reg)
    session.flush()
    linked = _link(session, reg)
    audit_service.record(
        session,
        actor,
        "registration.created",
        "registration",
        reg.id,
        after={**data.model_dump(mode="json"), "vendor_id": vendor_id, "linked_findings": linked},
    )
    return reg


def get(session: Session, reg_id: int, actor: Principal) -> Registration:
    reg = session.get(Registration, reg_id)
    if reg is None:
        raise NotFound(f"registration {reg_id} does not exist")
    if actor.scoped and reg.department_id != actor.department_id:
        raise Forbidden("this key is scoped to another department")
    return reg


def update_registration(
    session: Session, reg_id: int, data: RegistrationUpdate, actor: Principal
) -> Registration:
    reg = get(session, reg_id, actor)
    changes = data.model_dump(exclude_unset=True)
    new_vendor = changes.get("vendor_id")
    if new_vendor is not None and session.get(Vendor, new_vendor) is None:
        raise Unprocessable(f"vendor {new_vendor} does not exist")
    before = {k: getattr(reg, k) for k in changes}
    for key, value in changes.items():
        setattr(reg, key, value)
    if "vendor_id" in changes:
        reg.match_alternatives = []
        session.execute(
            update(Finding)
            .where(col(Finding.registration_id) == reg.id)
            .values(registration_id=None)
        )
    reg.updated_at = utcnow()
    session.add(reg)
    session.flush()
    _link(session, reg)
    audit_service.record(
        session,
        actor,
        "registration.updated",
        "registration",
        reg.id,
        before={k: str(v) if v is not None else None for k, v in before.items()},
        after={k: str(v) if v is not None else None for k, v in changes.items()},
    )
    return reg


def to_public(session: Session, rows: list[Registration]) -> list[RegistrationPublic]:
    depts = {d.id: d.name for d in session.exec(select(Department))}
    vendor_ids = {r.vendor_id for r in rows if r.vendor_id}
    vendors = (
        {v.id: v.name for v in session.exec(select(Vendor).where(col(Vendor.id).in_(vendor_ids)))}
        if vendor_ids
        else {}
    )
    seen = set()
    if vendor_ids:
        seen = {
            (v, d)
            for v, d in session.execute(
                select(col(Transaction.vendor_id), col(Transaction.department_id))
                .where(
                    col(Transaction.vendor_id).in_(vendor_ids),
                    col(Transaction.removed_at).is_(None),
                )
                .group_by(col(Transaction.vendor_id), col(Transaction.department_id))
            ).all()
        }
    reg_ids = [r.id for r in rows]
    links: dict[int, list[int]] = {}
    if reg_ids:
        for fid, rid in session.execute(
            select(col(Finding.id), col(Finding.registration_id)).where(
                col(Finding.registration_id).in_(reg_ids)
            )
        ).all():
            links.setdefault(rid, []).append(fid)
    out = []
    for r in rows:
        assert r.id is not None
        alternatives = [Alternative(**a) for a in r.match_alternatives or []]
        match = "matched" if r.vendor_id else ("ambiguous" if alternatives else "unmatched")
        out.append(
            RegistrationPublic(
                id=r.id,
                name_as_typed=r.name_as_typed,
                vendor_id=r.vendor_id,
                vendor_name=vendors.get(r.vendor_id) if r.vendor_id else None,
                match=match,
                alternatives=alternatives,
                department_id=r.department_id,
                department_name=depts.get(r.department_id),
                owner_email=r.owner_email,
                purpose=r.purpose,
                seats=r.seats,
                cost_minor=r.cost_minor,
                currency=r.currency,
                period=r.period,
                url=r.url,
                start_date=r.start_date,
                status=r.status,
                spend_seen=(r.vendor_id, r.department_id) in seen,
                linked_finding_ids=sorted(links.get(r.id, [])),
                created_at=r.created_at,
            )
        )
    return out


def not_seen_filter() -> Any:
    """Registrations whose vendor has no spend in their department (declared, not seen)."""
    spent = (
        select(Transaction.id)
        .where(
            Transaction.vendor_id == Registration.vendor_id,
            Transaction.department_id == Registration.department_id,
            col(Transaction.removed_at).is_(None),
        )
        .exists()
    )
    return ~spent
