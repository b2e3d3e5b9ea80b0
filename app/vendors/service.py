"""The vendor catalog in the database: lookups, admin edits, custom vendors."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, case, func
from sqlmodel import Session, col, select

from app import search
from app.audit import service as audit_service
from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Conflict, NotFound, Unprocessable
from app.models import Vendor, VendorCreate, VendorUpdate

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())


def get(session: Session, vendor_id: int) -> Vendor:
    row = session.get(Vendor, vendor_id)
    if row is None:
        raise NotFound(f"vendor {vendor_id} does not exist")
    return row


def by_slug(session: Session, slug: str) -> Vendor | None:
    return session.exec(select(Vendor).where(Vendor.slug == slug)).first()


def find_by_name(session: Session, name: str) -> Vendor | None:
    """A vendor whose name, slug or alias equals ``name`` ignoring case and punctuation."""
    wanted = _key(name)
    if not wanted:
        return None
    row = session.exec(
        select(Vendor).where(func.lower(Vendor.name) == name.strip().lower())
    ).first()
    if row is not None:
        return row
    for vendor in session.exec(select(Vendor)):
        if _key(vendor.name) == wanted or _key(vendor.slug) == wanted:
            return vendor
        if any(_key(alias) == wanted for alias in vendor.aliases or ()):
            return vendor
    return None


# The escaped search lives in app.search (every list's q= uses it); re-exported here.
_like_escaped = search.like_escaped


def name_contains(q: str) -> ColumnElement[bool]:
    """Vendors whose name (any case) or slug contains ``q`` literally: ``%`` and ``_`` are
    characters here, not wildcards."""
    return search.contains(q, Vendor.name, Vendor.slug)


def closest_first(q: str) -> list[ColumnElement[Any]]:
    """An ORDER BY for :func:`name_contains` matches: the exact name, then names starting with
    ``q``, then the shortest."""
    text = q.strip().lower()
    name = func.lower(col(Vendor.name))
    return [
        case((name == text, 0), (name.like(f"{_like_escaped(text)}%", escape="\\"), 1), else_=2),
        func.length(col(Vendor.name)),
        name,
    ]


def _check_category(category: str | None) -> None:
    import classifiers

    if category is not None and category not in classifiers.CATEGORIES:
        raise Unprocessable(
            f"unknown category {category!r}; expected one of {', '.join(classifiers.CATEGORIES)}"
        )


def create(session: Session, data: VendorCreate, actor: Principal) -> Vendor:
    if by_slug(session, data.slug) is not None:
        raise Conflict(f"a vendor with slug {data.slug!r} already exists")
    _check_category(data.category)
    row = Vendor.model_validate(data, update={"source": "custom"})
    session.add(row)
    session.flush()
    audit_service.record(
        session, actor, "vendor.created", "vendor", row.id, after=data.model_dump()
    )
    return row


def update(session: Session, vendor_id: int, data: VendorUpdate, actor: Principal) -> Vendor:
    row = get(session, vendor_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if "category" in changes:
        _check_category(changes["category"])
    before = {k: getattr(row, k) for k in changes}
    for key, value in changes.items():
        if value is None and key in {"name", "domains", "aliases", "descriptors"}:
            continue
        setattr(row, key, value)
    if row.source == "builtin":
        row.edited = True  # a catalog upgrade will not overwrite an admin's edit
    row.updated_at = utcnow()
    session.add(row)
    audit_service.record(
        session, actor, "vendor.updated", "vendor", row.id, before=before, after=changes
    )
    return row
