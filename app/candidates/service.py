"""Candidate vendors: software that recognition found but the catalog does not know.

A transaction is a candidate's when recognition called it software without a catalog vendor
and named the seller: a product printed after a merchant of record (``matched_by="product"``)
or a long-tail seller found by its evidence (``"discovered"``). The seller's name is stored in
``matched_text``; candidates are those rows grouped by it. IT confirms a candidate (a custom
vendor is created and the rows are re-classified onto it, so findings follow) or rejects it
(a "not software" rule, and the rows are re-classified off it). Both are audited.

A candidate's spend outside IT raises findings of its own (:mod:`app.findings.unrecognised`):
confirming moves them onto the new vendor, history and all; rejecting closes them.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from app.audit import service as audit_service
from app.auth.principal import Principal
from app.classification import service as classification_service
from app.errors import AppError, Conflict, NotFound
from app.findings import closing, unrecognised
from app.findings import reclassify as reclassify_service
from app.models import Department, MatchRule, MatchRuleCreate, Transaction, Vendor, VendorCreate
from app.rules import service as rule_service
from app.search import contains
from app.vendors import service as vendor_service

SAMPLE_DESCRIPTORS = 5


class BadCandidateCursor(AppError):
    status, title, type_slug = 400, "Bad cursor", "bad-cursor"


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    transactions: int
    spend_minor: int
    reporting_currency: str | None
    first_seen: date | None
    last_seen: date | None
    departments: list[str]
    descriptors: list[str]
    evidence: str | None
    resellers: list[str]


def _is_candidate() -> ColumnElement[bool]:
    return unrecognised.candidate_rows()


def _encode(spend: int, name: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([spend, name]).encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[int, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        spend, name = raw
        return int(spend), str(name)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise BadCandidateCursor("the cursor is not one this API issued") from None


def list_candidates(
    session: Session, *, limit: int, cursor: str | None = None, q: str | None = None
) -> tuple[list[Candidate], str | None]:
    """Candidates by spend (largest first, then by name), keyset-paginated."""
    spend = func.coalesce(func.sum(col(Transaction.reporting_amount_minor)), 0)
    stmt = select(  # type: ignore[call-overload]
        col(Transaction.matched_text),
        func.count(),
        spend,
        func.min(col(Transaction.transaction_date)),
        func.max(col(Transaction.transaction_date)),
        func.max(col(Transaction.reporting_currency)),
    ).where(_is_candidate())
    if q:
        stmt = stmt.where(contains(q, col(Transaction.matched_text)))
    stmt = stmt.group_by(col(Transaction.matched_text))
    if cursor:
        last_spend, last_name = _decode(cursor)
        stmt = stmt.having(
            or_(
                spend < last_spend,
                and_(spend == last_spend, col(Transaction.matched_text) > last_name),
            )
        )
    stmt = stmt.order_by(spend.desc(), col(Transaction.matched_text)).limit(limit + 1)
    rows = list(session.execute(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    out = [
        Candidate(
            name=name,
            transactions=int(count),
            spend_minor=int(total or 0),
            reporting_currency=currency,
            first_seen=first,
            last_seen=last,
            **_details(session, name),
        )
        for name, count, total, first, last, currency in rows
    ]
    next_cursor = _encode(out[-1].spend_minor, out[-1].name) if more and out else None
    return out, next_cursor


def _details(session: Session, name: str) -> dict[str, Any]:
    where = and_(_is_candidate(), col(Transaction.matched_text) == name)
    descriptors = list(
        session.exec(
            select(Transaction.descriptor)
            .where(where)
            .group_by(col(Transaction.descriptor))
            .order_by(func.count().desc(), col(Transaction.descriptor))
            .limit(SAMPLE_DESCRIPTORS)
        )
    )
    departments = sorted(
        d
        for d in session.exec(
            select(Department.name)
            .join(Transaction, col(Transaction.department_id) == col(Department.id))
            .where(where)
            .distinct()
        )
        if d
    )
    resellers = sorted(
        r for r in session.exec(select(Transaction.reseller_slug).where(where).distinct()) if r
    )
    evidence = session.exec(
        select(Transaction.explanation).where(where).order_by(col(Transaction.id).desc()).limit(1)
    ).first()
    return {
        "departments": departments,
        "descriptors": [d[:300] for d in descriptors],
        "evidence": evidence,
        "resellers": resellers,
    }


def _get(session: Session, name: str) -> Candidate:
    found = session.exec(
        select(func.count())
        .select_from(Transaction)
        .where(and_(_is_candidate(), col(Transaction.matched_text) == name))
    ).one()
    if not found:
        raise NotFound(f"no candidate vendor named {name!r}")
    items, _ = list_candidates(session, limit=1, q=name)
    exact = [c for c in items if c.name == name]
    if exact:
        return exact[0]
    # q matched a longer name first: fall back to the exact one's own figures
    return Candidate(name, int(found), 0, None, None, None, **_details(session, name))


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:100] or "vendor"
    return slug


def confirm(
    session: Session,
    name: str,
    actor: Principal,
    *,
    vendor_name: str | None = None,
    category: str | None = None,
) -> tuple[Vendor, int]:
    """Create a custom vendor for the candidate and re-classify its rows onto it. Returns the
    vendor and how many transactions changed."""
    candidate = _get(session, name)
    slug = _slug(vendor_name or name)
    if vendor_service.by_slug(session, slug) is not None:
        raise Conflict(f"a vendor with slug {slug!r} already exists; edit it instead")
    is_domain = "." in name and " " not in name
    data = VendorCreate(
        slug=slug,
        name=vendor_name or name,
        domains=[name.lower()] if is_domain else [],
        category=category or "other_software",
        aliases=[] if is_domain else [name],
        descriptors=[name.upper()],
        is_software=True,
    )
    vendor = vendor_service.create(session, data, actor)
    audit_service.record(
        session,
        actor,
        "candidate.confirmed",
        "vendor",
        vendor.id,
        after={
            "candidate": name,
            "transactions": candidate.transactions,
            "descriptors": candidate.descriptors,
        },
    )
    assert vendor.id is not None
    closing.adopt_candidate(
        session,
        actor,
        name,
        vendor.id,
        comment=f"candidate vendor {name!r} confirmed as {vendor.name}",
    )
    session.flush()
    classification_service.invalidate_cache()
    changed = reclassify_service.reclassify(session, candidate_name=name).changed
    return vendor, changed


def reject(
    session: Session, name: str, actor: Principal, *, comment: str | None = None
) -> tuple[MatchRule, int]:
    """Mark the candidate as not software with a rule and re-classify its rows off it."""
    candidate = _get(session, name)
    rule = rule_service.create(
        session,
        MatchRuleCreate(
            pattern=name.upper(),
            kind="contains",
            vendor_id=None,
            comment=comment or f"rejected candidate vendor {name!r}",
        ),
        actor,
    )
    audit_service.record(
        session,
        actor,
        "candidate.rejected",
        "match_rule",
        rule.id,
        after={"candidate": name, "transactions": candidate.transactions},
        comment=comment,
    )
    closing.reject_candidate(
        session,
        actor,
        name,
        rule_id=rule.id,
        comment=comment or f"rejected candidate vendor {name!r}: not software",
    )
    classification_service.invalidate_cache()
    changed = reclassify_service.reclassify(session, candidate_name=name).changed
    return rule, changed
