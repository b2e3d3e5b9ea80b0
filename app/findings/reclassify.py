"""Re-classify stored history after the catalog or the rules changed.

Only rows whose answer changed are written; review state (findings, decisions) is never
touched here — the findings engine reacts to the rows this reports as changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, update
from sqlmodel import Session, col, select

from app.classification import service as classification_service
from app.classification import wording
from app.findings import engine as findings_engine
from app.findings.unrecognised import candidate_of
from app.models import Transaction
from app.models.transactions import CANDIDATE_METHODS
from app.outside_it.policy import OutsideItPolicy
from classifiers import Classification

BATCH = 2000
# matched_text too: it names a candidate vendor (unrecognised software has findings by it).
_COMPARED = ("vendor_id", "is_software", "category", "matched_by", "matched_text")


@dataclass
class ReclassifyResult:
    scanned: int = 0
    changed: int = 0
    changed_ids: list[int] = field(default_factory=list)
    vendor_ids: set[int] = field(default_factory=set)
    candidate_names: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, Any]:
        return {"scanned": self.scanned, "changed": self.changed}


def reclassify(
    session: Session,
    *,
    descriptor_contains: str | None = None,
    vendor_ids: list[int] | None = None,
    candidate_name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> ReclassifyResult:
    """Re-run recognition over stored transactions (all of them, or those whose descriptor
    contains the text / that are attributed to the given vendors / that are a candidate
    vendor's, by its name). Flushes only; ``checkpoint`` (the owner's commit, for a
    background run) is called after every batch."""
    ctx = classification_service.get_context(session)
    policy = OutsideItPolicy(session)
    base = select(Transaction).where(col(Transaction.removed_at).is_(None))
    count_stmt = (
        select(func.count()).select_from(Transaction).where(col(Transaction.removed_at).is_(None))
    )
    if descriptor_contains:
        like = f"%{descriptor_contains.lower()}%"
        base = base.where(func.lower(Transaction.descriptor).like(like))
        count_stmt = count_stmt.where(func.lower(Transaction.descriptor).like(like))
    if vendor_ids:
        base = base.where(col(Transaction.vendor_id).in_(vendor_ids))
        count_stmt = count_stmt.where(col(Transaction.vendor_id).in_(vendor_ids))
    if candidate_name is not None:
        named = and_(
            col(Transaction.matched_text) == candidate_name,
            col(Transaction.matched_by).in_(CANDIDATE_METHODS),
        )
        base = base.where(named)
        count_stmt = count_stmt.where(named)
    total = session.exec(count_stmt).one()
    # Each source's rows are read with its own bank wording, as they were at import or sync.
    wording_of = wording.of_connections(session, ctx.classifier.catalog)
    result = ReclassifyResult()
    last_id = 0
    while True:
        rows = list(
            session.exec(
                base.where(col(Transaction.id) > last_id).order_by(col(Transaction.id)).limit(BATCH)
            )
        )
        if not rows:
            break
        last_id = rows[-1].id or last_id
        answers = _classify(ctx, rows, wording_of)
        updates = []
        for row, answer in zip(rows, answers, strict=True):
            values = classification_service.apply_to_row(ctx, row, answer)
            assert row.id is not None
            values["outside_it"] = policy.is_outside(
                is_software=answer.is_software,
                vendor_id=values["vendor_id"],
                department_id=row.department_id,
                connection_id=row.connection_id,
            )
            changed = any(getattr(row, k) != values[k] for k in _COMPARED) or (
                row.outside_it != values["outside_it"]
            )
            if changed:
                updates.append({"id": row.id, **values})
                result.vendor_ids.update(
                    v for v in (row.vendor_id, values["vendor_id"]) if v is not None
                )
                result.candidate_names.update(
                    n
                    for n in (
                        candidate_of(row.vendor_id, row.matched_by, row.matched_text),
                        candidate_of(
                            values["vendor_id"], values["matched_by"], values["matched_text"]
                        ),
                    )
                    if n is not None
                )
                result.changed_ids.append(row.id)
        if updates:
            session.execute(update(Transaction), updates)
        result.scanned += len(rows)
        result.changed += len(updates)
        if checkpoint is not None:
            # Background runs release the (SQLite) write lock between batches so requests
            # are not kept waiting behind a long re-classification.
            checkpoint()
        if progress is not None:
            progress(result.scanned, total)
    findings_engine.refresh(session, result.vendor_ids, candidates=result.candidate_names)
    return result


def _classify(
    ctx: classification_service.ClassifierContext,
    rows: list[Transaction],
    wording_of: dict[int, frozenset[str]],
) -> list[Classification]:
    """The rows' answers in order, each source's rows with its own wording."""
    by_source: dict[int, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_source[row.connection_id].append(i)
    answers: list[Classification | None] = [None] * len(rows)
    for connection_id, positions in by_source.items():
        found = ctx.classifier.classify_many(
            ((rows[i].descriptor, rows[i].mcc, rows[i].memo) for i in positions),
            boilerplate=wording_of.get(connection_id, frozenset()),
        )
        for i, answer in zip(positions, found, strict=True):
            answers[i] = answer
    return [a for a in answers if a is not None]
