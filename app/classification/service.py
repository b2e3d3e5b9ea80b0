"""The service side of recognition: the catalog in the database, user rules, and a
classifier built from both."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

import classifiers
from app.db import utcnow
from app.models import MatchRule, Transaction, Vendor


@dataclass
class CatalogSyncResult:
    inserted: int
    updated: int
    kept_edited: int


def _vendor_fields(v: classifiers.Vendor) -> dict[str, Any]:
    return {
        "name": v.name,
        "domains": list(v.domains),
        "category": v.category or None,
        "aliases": list(v.aliases),
        "descriptors": list(v.descriptors),
        "is_reseller": v.is_reseller,
        "is_software": v.is_software,
        "pricing_model": v.pricing_model,
    }


def sync_builtin_catalog(session: Session) -> CatalogSyncResult:
    """Load the packaged catalog into ``vendors``.

    Built-in rows are refreshed to the packaged facts unless an admin edited them; custom
    vendors are never touched, so both survive a catalog upgrade.
    """
    builtin = classifiers.Catalog.builtin()
    existing = {v.slug: v for v in session.exec(select(Vendor))}
    inserted = updated = kept = 0
    new_rows: list[dict[str, Any]] = []
    for v in builtin.vendors:
        fields = _vendor_fields(v)
        row = existing.get(v.slug)
        if row is None:
            new_rows.append({"slug": v.slug, "source": "builtin", **fields})
            continue
        if row.source != "builtin" or row.edited:
            kept += 1
            continue
        if any(getattr(row, k) != val for k, val in fields.items()):
            for k, val in fields.items():
                setattr(row, k, val)
            row.updated_at = utcnow()
            session.add(row)
            updated += 1
    if new_rows:
        from sqlalchemy import insert

        now = utcnow()
        for chunk_start in range(0, len(new_rows), 500):
            chunk = new_rows[chunk_start : chunk_start + 500]
            session.execute(
                insert(Vendor),
                [{**r, "edited": False, "created_at": now, "updated_at": now} for r in chunk],
            )
        inserted = len(new_rows)
    session.flush()
    return CatalogSyncResult(inserted=inserted, updated=updated, kept_edited=kept)


@dataclass
class ClassifierContext:
    """A classifier over the database's catalog and rules, plus slug <-> id maps."""

    classifier: classifiers.Classifier
    vendor_ids: dict[str, int]
    vendors_by_id: dict[int, Vendor]

    def vendor_id(self, slug: str | None) -> int | None:
        return None if slug is None else self.vendor_ids.get(slug)


def _to_library_vendor(row: Vendor) -> classifiers.Vendor:
    return classifiers.Vendor(
        slug=row.slug,
        name=row.name,
        domains=tuple(row.domains or ()),
        category=row.category or "",
        aliases=tuple(row.aliases or ()),
        descriptors=tuple(row.descriptors or ()),
        is_reseller=row.is_reseller,
        pricing_model=row.pricing_model,
        is_software=row.is_software,
    )


def load_rules(session: Session, slugs_by_id: dict[int, str]) -> list[classifiers.MatchRule]:
    stmt = (
        select(MatchRule)
        .where(col(MatchRule.enabled).is_(True))
        .order_by(col(MatchRule.priority), col(MatchRule.id))
    )
    return [
        classifiers.MatchRule(
            pattern=rule.pattern,
            kind=rule.kind,  # type: ignore[arg-type]
            vendor_slug=slugs_by_id.get(rule.vendor_id) if rule.vendor_id else None,
            priority=rule.priority,
            rule_id=rule.id,
        )
        for rule in session.exec(stmt)
    ]


def build_context(session: Session) -> ClassifierContext:
    """Build a classifier from the vendors table (syncing the built-in catalog on first use)."""
    rows = list(session.exec(select(Vendor)))
    if not rows:
        sync_builtin_catalog(session)
        rows = list(session.exec(select(Vendor)))
    by_id = {r.id: r for r in rows if r.id is not None}
    slugs_by_id = {i: r.slug for i, r in by_id.items()}
    builtin = classifiers.Catalog.builtin()
    untouched = {r.slug for r in rows if r.source == "builtin" and not r.edited} == {
        v.slug for v in builtin.vendors
    }
    # The packaged catalog's prebuilt matcher is reused when the table holds exactly it.
    catalog = (
        builtin
        if untouched and len(rows) == len(builtin.vendors)
        else classifiers.Catalog.from_vendors(_to_library_vendor(r) for r in rows)
    )
    classifier = classifiers.Classifier(catalog, rules=load_rules(session, slugs_by_id))
    return ClassifierContext(
        classifier=classifier,
        vendor_ids={r.slug: i for i, r in by_id.items()},
        vendors_by_id=by_id,
    )


_cached: tuple[tuple[Any, ...], ClassifierContext] | None = None
_cache_lock = threading.Lock()


def _signature(session: Session) -> tuple[Any, ...]:
    """Changes whenever a vendor or a rule is added, edited or removed."""
    vendors = session.execute(
        select(func.count(), func.max(Vendor.updated_at), func.max(Vendor.id))
    ).one()
    rules = session.execute(
        select(func.count(), func.max(MatchRule.id), func.max(MatchRule.created_at))
    ).one()
    return (*vendors, *rules)


def get_context(session: Session) -> ClassifierContext:
    """A classifier over the current catalog and rules, rebuilt only when they changed."""
    global _cached
    signature = _signature(session)
    cached = _cached
    if cached is not None and cached[0] == signature and signature[0]:
        return cached[1]
    with _cache_lock:
        ctx = build_context(session)
        _cached = (_signature(session), ctx)
        return ctx


def invalidate_cache() -> None:
    global _cached
    _cached = None


def apply_to_row(
    ctx: ClassifierContext, row: Transaction | dict[str, Any], result: classifiers.Classification
) -> dict[str, Any]:
    """The columns a classification sets on a transaction."""
    return {
        "vendor_id": ctx.vendor_id(result.vendor_slug),
        "is_software": result.is_software,
        "category": result.category,
        "confidence": round(result.confidence, 4),
        "matched_by": result.matched_by,
        "matched_text": (result.matched_text or "")[:300] or None,
        "explanation": result.explanation,
        "reseller_slug": result.reseller_slug,
        "classifier_version": classifiers.CLASSIFIER_VERSION,
        "classified_at": utcnow(),
    }
