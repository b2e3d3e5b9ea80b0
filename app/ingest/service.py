"""The one pipeline every source goes through: upsert, resolve people, classify, convert.

``ingest`` is the single place that decides what a re-seen row may overwrite: the source's
fields yes (amount, dates, descriptor, memo ...), review state and links never. It does not
commit; the caller (an import, a sync job) owns the unit of work and may commit per batch.
"""

from __future__ import annotations

import hashlib
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.classification import service as classification_service
from app.classification.service import ClassifierContext
from app.config import get_settings
from app.db import utcnow
from app.departments import service as department_service
from app.findings.policy import OutsideItPolicy
from app.fx.service import RateBook
from app.ingest import repository
from app.models import Cardholder, Connection, Department, Transaction
from classifiers.normalise import compact, normalise
from connectors.base import RawTransaction

BATCH_SIZE = 2000
# Source fields a re-fetch may change; everything else on a stored row is ours.
_SOURCE_FIELDS = (
    "transaction_date",
    "posted_date",
    "amount_minor",
    "currency",
    "descriptor",
    "merchant_name",
    "mcc",
    "memo",
    "channel",
    "card_last4",
)


@dataclass
class IngestStats:
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    touched_ids: list[int] = field(default_factory=list)
    # Vendors whose outside-IT spend may have changed: their findings need a refresh.
    vendor_ids: set[int] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {
            "fetched": self.fetched,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
        }


def _chunks(items: Iterable[RawTransaction], size: int) -> Iterator[list[RawTransaction]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


_SOURCE_GETTER = operator.attrgetter(*_SOURCE_FIELDS)


def _fingerprint(raw: RawTransaction) -> str:
    text = "\x1f".join(map(str, _SOURCE_GETTER(raw)))
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _jsonable(raw: RawTransaction) -> dict[str, Any]:
    data = dict(raw.raw) if raw.raw else {}
    if all(v is None or isinstance(v, str | int | float | bool) for v in data.values()):
        return data  # the common case (file rows): no round trip needed
    loaded: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return loaded


class Ingestor:
    """Holds the per-run caches (people, departments, rates, classifier) across batches."""

    def __init__(
        self,
        session: Session,
        connection: Connection,
        *,
        ctx: ClassifierContext | None = None,
        track_touched: bool = False,
    ) -> None:
        assert connection.id is not None
        self.session = session
        self.connection = connection
        self.connection_id: int = connection.id
        self.ctx = ctx or classification_service.get_context(session)
        self.rates = RateBook(session, get_settings().reporting_currency)
        self.track_touched = track_touched
        self.departments: dict[str, Department] = {
            d.name.lower(): d for d in department_service.all_departments(session)
        }
        self.holders_by_ext: dict[str, Cardholder] = {}
        self.holders_by_email: dict[str, Cardholder] = {}
        for h in session.exec(select(Cardholder)):
            if h.connection_id == self.connection_id and h.external_id:
                self.holders_by_ext[h.external_id] = h
            if h.email:
                self.holders_by_email.setdefault(h.email.lower(), h)
        self.policy = OutsideItPolicy(session)
        self.other_connections = bool(
            session.exec(
                select(Connection.id).where(Connection.id != self.connection_id).limit(1)
            ).first()
        )

    # -- people -----------------------------------------------------------------------------
    def _department(self, name: str | None) -> Department | None:
        if not name or not name.strip():
            return None
        key = name.strip().lower()
        dept = self.departments.get(key)
        if dept is None:
            dept = department_service.ensure(self.session, name)
            self.departments[key] = dept
        return dept

    def _cardholder(self, raw: RawTransaction) -> Cardholder | None:
        holder = None
        if raw.cardholder_external_id:
            holder = self.holders_by_ext.get(raw.cardholder_external_id)
        if holder is None and raw.cardholder_email:
            holder = self.holders_by_email.get(raw.cardholder_email.lower())
        if holder is None and (raw.cardholder_external_id or raw.cardholder_email):
            dept = self._department(raw.department_name)
            holder = Cardholder(
                connection_id=self.connection_id if raw.cardholder_external_id else None,
                external_id=raw.cardholder_external_id,
                name=raw.cardholder_name,
                email=raw.cardholder_email,
                department_id=dept.id if dept else None,
            )
            self.session.add(holder)
            self.session.flush()
        if holder is not None:
            if raw.cardholder_external_id:
                self.holders_by_ext.setdefault(raw.cardholder_external_id, holder)
            if holder.email:
                self.holders_by_email.setdefault(holder.email.lower(), holder)
        return holder

    # -- cross-source duplicates -------------------------------------------------------------
    def _link_duplicates(self, inserts: list[dict[str, Any]]) -> None:
        """The same card charge already stored from another source (Ramp's API and an Amex
        CSV, say): link the new row to it so every total counts it once."""
        amounts = {v["amount_minor"] for v in inserts}
        days = [v["transaction_date"] for v in inserts]
        window = timedelta(days=DUPLICATE_WINDOW_DAYS)
        candidates = self.session.execute(
            sa_select(
                col(Transaction.id),
                col(Transaction.amount_minor),
                col(Transaction.currency),
                col(Transaction.transaction_date),
                col(Transaction.descriptor),
                col(Transaction.vendor_id),
                col(Transaction.card_last4),
            ).where(
                col(Transaction.connection_id) != self.connection_id,
                col(Transaction.amount_minor).in_(amounts),
                col(Transaction.transaction_date) >= min(days) - window,
                col(Transaction.transaction_date) <= max(days) + window,
                col(Transaction.duplicate_of_id).is_(None),
                col(Transaction.removed_at).is_(None),
            )
        ).all()
        if not candidates:
            return
        by_amount: dict[tuple[int, str], list[Any]] = {}
        for c in candidates:
            by_amount.setdefault((c.amount_minor, c.currency), []).append(c)
        used: set[int] = set()
        links: dict[str, int] = {}
        for new in inserts:
            for old in by_amount.get((new["amount_minor"], new["currency"]), ()):
                if old.id in used or abs(old.transaction_date - new["transaction_date"]) > window:
                    continue
                if _same_charge(new, old):
                    used.add(old.id)
                    links[new["external_id"]] = old.id
                    break
        if not links:
            return
        ids = dict(
            self.session.execute(
                select(col(Transaction.external_id), col(Transaction.id)).where(
                    col(Transaction.connection_id) == self.connection_id,
                    col(Transaction.external_id).in_(list(links)),
                )
            ).all()
        )
        self.session.execute(
            update(Transaction),
            [{"id": ids[ext], "duplicate_of_id": original} for ext, original in links.items()],
        )

    # -- the pipeline -----------------------------------------------------------------------
    def ingest(
        self,
        rows: Iterable[RawTransaction],
        *,
        batch_size: int = BATCH_SIZE,
        on_batch: Callable[[IngestStats], None] | None = None,
    ) -> IngestStats:
        stats = IngestStats()
        for chunk in _chunks(rows, batch_size):
            self._ingest_batch(chunk, stats)
            if on_batch is not None:
                on_batch(stats)
        return stats

    def _ingest_batch(self, chunk: list[RawTransaction], stats: IngestStats) -> None:
        stats.fetched += len(chunk)
        # Last occurrence of an id in one batch wins (a provider's modified record).
        by_id: dict[str, RawTransaction] = {}
        for raw in chunk:
            by_id[raw.external_id] = raw
        existing: dict[str, tuple[int, str | None]] = {}
        old_vendor: dict[str, int | None] = {}
        for tid, ext, source_hash, vendor_id in self.session.execute(
            select(
                Transaction.id,
                Transaction.external_id,
                Transaction.source_hash,
                Transaction.vendor_id,
            ).where(
                Transaction.connection_id == self.connection_id,
                col(Transaction.external_id).in_(list(by_id)),
            )
        ).all():
            existing[ext] = (tid, source_hash)
            old_vendor[ext] = vendor_id
        removed_ids = [
            existing[ext][0] for ext, raw in by_id.items() if raw.removed and ext in existing
        ]
        stats.vendor_ids.update(
            v
            for ext, raw in by_id.items()
            if raw.removed and (v := old_vendor.get(ext)) is not None
        )
        if removed_ids:
            now = utcnow()
            self.session.execute(
                update(Transaction)
                .where(col(Transaction.id).in_(removed_ids))
                .where(col(Transaction.removed_at).is_(None))
                .values(removed_at=now, updated_at=now)
            )
            stats.removed += len(removed_ids)
            if self.track_touched:
                stats.touched_ids.extend(removed_ids)

        live = [raw for raw in by_id.values() if not raw.removed]
        to_classify = [
            raw
            for raw in live
            if raw.external_id not in existing or existing[raw.external_id][1] != _fingerprint(raw)
        ]
        results = self.ctx.classifier.classify_many(
            (raw.descriptor, raw.mcc, raw.memo) for raw in to_classify
        )
        now = utcnow()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for raw, result in zip(to_classify, results, strict=True):
            holder = self._cardholder(raw)
            dept_id = holder.department_id if holder and holder.department_id else None
            if dept_id is None:
                dept = self._department(raw.department_name)
                dept_id = dept.id if dept else None
            classified = classification_service.apply_to_row(self.ctx, {}, result)
            values: dict[str, Any] = {
                "transaction_date": raw.transaction_date,
                "posted_date": raw.posted_date,
                "amount_minor": raw.amount_minor,
                "currency": raw.currency.upper(),
                "reporting_amount_minor": self.rates.convert(
                    raw.amount_minor, raw.currency, raw.transaction_date
                ),
                "reporting_currency": self.rates.reporting,
                "descriptor": raw.descriptor,
                "merchant_name": raw.merchant_name,
                "mcc": raw.mcc,
                "memo": raw.memo,
                "channel": raw.channel.value,
                "card_last4": raw.card_last4,
                "cardholder_id": holder.id if holder else None,
                "department_id": dept_id,
                "raw": _jsonable(raw),
                "source_hash": _fingerprint(raw),
                **classified,
                "outside_it": self.policy.is_outside(
                    is_software=result.is_software,
                    vendor_id=classified["vendor_id"],
                    department_id=dept_id,
                    connection_id=self.connection_id,
                ),
                "updated_at": now,
                "removed_at": None,
            }
            if classified["vendor_id"] is not None:
                stats.vendor_ids.add(classified["vendor_id"])
            if raw.external_id in existing:
                values["id"] = existing[raw.external_id][0]
                if (previous := old_vendor.get(raw.external_id)) is not None:
                    stats.vendor_ids.add(previous)
                updates.append(values)
            else:
                values.update(
                    connection_id=self.connection_id,
                    external_id=raw.external_id,
                    created_at=now,
                    duplicate_of_id=None,
                )
                inserts.append(values)
        if inserts:
            repository.insert_transactions(self.session, inserts)
            if self.other_connections:
                self._link_duplicates(inserts)
        if updates:
            self.session.execute(update(Transaction), updates)
            if self.track_touched:
                stats.touched_ids.extend(u["id"] for u in updates)
        stats.inserted += len(inserts)
        stats.updated += len(updates)
        stats.unchanged += len(live) - len(to_classify)
        if self.track_touched and inserts:
            ids = self.session.execute(
                select(Transaction.id).where(
                    Transaction.connection_id == self.connection_id,
                    col(Transaction.external_id).in_([v["external_id"] for v in inserts]),
                )
            ).scalars()
            stats.touched_ids.extend(ids)


DUPLICATE_WINDOW_DAYS = 3


def _merchant_key(descriptor: str) -> str:
    return compact(normalise(descriptor))


def _same_charge(new: dict[str, Any], old: Any) -> bool:
    if new["card_last4"] and old.card_last4 and new["card_last4"] != old.card_last4:
        return False
    if new["vendor_id"] is not None and new["vendor_id"] == old.vendor_id:
        return True
    a, b = _merchant_key(new["descriptor"]), _merchant_key(old.descriptor)
    return bool(a) and (a == b or a.startswith(b) or b.startswith(a)) and min(len(a), len(b)) >= 4


def earliest(rows: list[RawTransaction]) -> date | None:
    return min((r.transaction_date for r in rows), default=None)
