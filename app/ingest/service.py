"""The one pipeline every source goes through: upsert, resolve people, classify, convert.

``ingest`` is the single place that decides what a re-seen row may overwrite: the source's
fields yes (amount, dates, descriptor, memo ...), review state and links never. It does not
commit; the caller (an import, a sync job) owns the unit of work and may commit per batch.
"""

from __future__ import annotations

import hashlib
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain, islice
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.auth.principal import SYSTEM, Principal
from app.classification import service as classification_service
from app.classification import wording
from app.classification.service import ClassifierContext
from app.config import get_settings
from app.db import utcnow
from app.departments import service as department_service
from app.findings.unrecognised import candidate_of
from app.fx.service import RateBook
from app.ingest import limits, repository
from app.models import Cardholder, Connection, Department, Transaction
from app.outside_it.policy import OutsideItPolicy
from classifiers import Classification
from classifiers.normalise import compact, normalise
from connectors.base import Kind, RawTransaction

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
    # Likewise for candidate vendors (unrecognised software), by name.
    candidate_names: set[str] = field(default_factory=set)

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
    if raw.kind is not Kind.PURCHASE:
        # Appended only when not a purchase, so rows stored before kinds existed keep their
        # fingerprint (a re-import of them changes nothing).
        text += f"\x1fkind={raw.kind.value}"
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


# The columns apply_to_row sets, stored per row (classified_at is the batch's time); they
# are adjacent in repository.COLUMNS, which the insert tuple below relies on.
_CLASSIFICATION_COLUMNS = repository.COLUMNS[
    repository.COLUMNS.index("vendor_id") : repository.COLUMNS.index("classifier_version") + 1
]
_Classified = tuple[Any, ...]
_MATCHED_BY = _CLASSIFICATION_COLUMNS.index("matched_by")
_MATCHED_TEXT = _CLASSIFICATION_COLUMNS.index("matched_text")
_MAX_RESULTS = 50_000


class Ingestor:
    """Holds the per-run caches (people, departments, rates, classifier) across batches."""

    def __init__(
        self,
        session: Session,
        connection: Connection,
        *,
        ctx: ClassifierContext | None = None,
        track_touched: bool = False,
        actor: Principal = SYSTEM,
        create_departments: bool = True,
        on_refused: Callable[[BadRow], None] | None = None,
    ) -> None:
        assert connection.id is not None
        self.session = session
        # Unknown departments are created (audited as ``actor``) only when allowed; otherwise
        # their rows land without one and the names are reported (``unknown_departments``).
        self.actor = actor
        self.create_departments = create_departments
        self.departments_created: list[str] = []
        self.unknown_departments: set[str] = set()
        # A row no database can store as it is (app.ingest.limits): raised as BadRow, or
        # handed to ``on_refused`` and skipped (a sync counts it as rejected).
        self.on_refused = on_refused
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
        # Names shared by two different people are no evidence of either (None).
        self.holders_by_name: dict[str, Cardholder | None] = {}
        for h in session.exec(select(Cardholder)):
            if h.connection_id == self.connection_id and h.external_id:
                self.holders_by_ext[h.external_id] = h
            if h.email:
                self.holders_by_email.setdefault(h.email.lower(), h)
            if h.name:
                name = _person_key(h.name)
                known = self.holders_by_name.get(name, h)
                self.holders_by_name[name] = h if known is h else None
        self.policy = OutsideItPolicy(session)
        self.encoder = repository.RowEncoder(session)
        self._people_seen: dict[
            tuple[str | None, str | None, str | None, str | None], tuple[int | None, int | None]
        ] = {}
        self._results: dict[int, tuple[Classification, _Classified]] = {}
        self._outside_seen: dict[tuple[bool, int | None, int | None], bool] = {}
        # The source's bank wording, learned when the first rows arrive (see ingest).
        self.boilerplate: frozenset[str] | None = None
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
            if not self.create_departments:
                self.unknown_departments.add(name.strip())
                return None
            source = f"{self.connection.connector} connection {self.connection.name!r}"
            dept = department_service.ensure(self.session, name, self.actor, source=source)
            self.departments[key] = dept
            self.departments_created.append(dept.name)
        return dept

    def _cardholder(self, raw: RawTransaction) -> Cardholder | None:
        holder = None
        external_id = raw.cardholder_external_id
        if not external_id and not raw.cardholder_email and raw.cardholder_name:
            # Only a name (an Amex "Card Member"): the one cardholder of that name, from any
            # source, else a cardholder of this connection keyed by the name, whose
            # department IT sets once for every later file.
            external_id = f"name:{_person_key(raw.cardholder_name)}"
            holder = self.holders_by_ext.get(external_id) or self.holders_by_name.get(
                _person_key(raw.cardholder_name)
            )
            if holder is not None:
                return holder
        if external_id:
            holder = self.holders_by_ext.get(external_id)
        if holder is None and raw.cardholder_email:
            holder = self.holders_by_email.get(raw.cardholder_email.lower())
        if holder is None and (external_id or raw.cardholder_email):
            dept = self._department(raw.department_name)
            holder = Cardholder(
                connection_id=self.connection_id if external_id else None,
                external_id=external_id,
                name=raw.cardholder_name,
                email=raw.cardholder_email,
                department_id=dept.id if dept else None,
            )
            self.session.add(holder)
            self.session.flush()
        if holder is not None:
            if external_id:
                self.holders_by_ext.setdefault(external_id, holder)
            if holder.email:
                self.holders_by_email.setdefault(holder.email.lower(), holder)
        return holder

    def _people(self, raw: RawTransaction) -> tuple[int | None, int | None]:
        """(cardholder id, department id) of a row; the cardholder's department wins.

        A run sees few distinct people, so each (id, email, department) is resolved once:
        the maps above only ever grow, so a second resolution would give the same answer.
        """
        key = (
            raw.cardholder_external_id,
            raw.cardholder_email,
            raw.department_name,
            None if raw.cardholder_external_id or raw.cardholder_email else raw.cardholder_name,
        )
        hit = self._people_seen.get(key)
        if hit is None:
            holder = self._cardholder(raw)
            dept_id = holder.department_id if holder and holder.department_id else None
            if dept_id is None:
                dept = self._department(raw.department_name)
                dept_id = dept.id if dept else None
            hit = self._people_seen[key] = (holder.id if holder else None, dept_id)
        return hit

    # -- classification ----------------------------------------------------------------------
    def _classified(self, result: Classification) -> _Classified:
        """The classification columns of a result, built once per distinct result."""
        hit = self._results.get(id(result))
        if hit is None:
            if len(self._results) >= _MAX_RESULTS:
                self._results.clear()
            values = classification_service.apply_to_row(self.ctx, {}, result)
            hit = (result, tuple(values[c] for c in _CLASSIFICATION_COLUMNS))
            # The result is held too, so its id() is not reused while the entry lives.
            self._results[id(result)] = hit
        return hit[1]

    def _outside(self, is_software: bool, vendor_id: int | None, department_id: int | None) -> bool:
        key = (is_software, vendor_id, department_id)
        hit = self._outside_seen.get(key)
        if hit is None:
            hit = self._outside_seen[key] = self.policy.is_outside(
                is_software=is_software,
                vendor_id=vendor_id,
                department_id=department_id,
                connection_id=self.connection_id,
            )
        return hit

    # -- cross-source duplicates -------------------------------------------------------------
    def _link_duplicates(self, inserted: list[tuple[RawTransaction, int | None]]) -> None:
        """The same card charge already stored from another source (Ramp's API and an Amex
        CSV, say): link the new row to it so every total counts it once.

        ``inserted`` pairs each new row's source record with the vendor it was classified as.
        """
        amounts = {raw.amount_minor for raw, _ in inserted}
        days = [raw.transaction_date for raw, _ in inserted]
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
        for raw, vendor_id in inserted:
            for old in by_amount.get((raw.amount_minor, raw.currency.upper()), ()):
                if old.id in used or abs(old.transaction_date - raw.transaction_date) > window:
                    continue
                if _same_charge(raw, vendor_id, old):
                    used.add(old.id)
                    links[raw.external_id] = old.id
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
        if self.boilerplate is None:
            # Learned once per run, from the first rows (a file's own, a sync's first page)
            # and the connection's stored ones, before any row is classified.
            rows = iter(rows)
            head = list(islice(rows, wording.SAMPLE))
            self.boilerplate = wording.learn(
                self.session,
                self.connection,
                self.ctx.classifier.catalog,
                (raw.descriptor for raw in head if not raw.removed),
            )
            rows = chain(head, rows)
        for chunk in _chunks(rows, batch_size):
            self._ingest_batch(chunk, stats)
            if on_batch is not None:
                on_batch(stats)
        return stats

    def _ingest_batch(self, chunk: list[RawTransaction], stats: IngestStats) -> None:
        position = stats.fetched
        stats.fetched += len(chunk)
        # Last occurrence of an id in one batch wins (a provider's modified record).
        by_id: dict[str, RawTransaction] = {}
        admit = limits.admit
        for raw in chunk:
            position += 1
            try:
                admitted = admit(raw)
            except limits.RowRefused as refused:
                bad = BadRow(position, raw.external_id, refused.field, refused.message)
                if self.on_refused is None:
                    raise bad from None
                self.on_refused(bad)
                continue
            by_id[admitted.external_id] = admitted
        existing: dict[str, tuple[int, str | None]] = {}
        old_vendor: dict[str, int | None] = {}
        old_candidate: dict[str, str] = {}
        for tid, ext, source_hash, vendor_id, candidate in repository.existing_transactions(
            self.session, self.connection_id, list(by_id)
        ):
            existing[ext] = (tid, source_hash)
            old_vendor[ext] = vendor_id
            if candidate is not None:
                old_candidate[ext] = candidate
        removed_ids = [
            existing[ext][0] for ext, raw in by_id.items() if raw.removed and ext in existing
        ]
        stats.vendor_ids.update(
            v
            for ext, raw in by_id.items()
            if raw.removed and (v := old_vendor.get(ext)) is not None
        )
        stats.candidate_names.update(
            name
            for ext, raw in by_id.items()
            if raw.removed and (name := old_candidate.get(ext)) is not None
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

        # New or changed rows, with their fingerprint (unchanged ones are left alone).
        fresh: list[tuple[RawTransaction, str]] = []
        unchanged = 0
        for raw in by_id.values():
            if raw.removed:
                continue
            fingerprint = _fingerprint(raw)
            known = existing.get(raw.external_id)
            if known is not None and known[1] == fingerprint:
                unchanged += 1
            else:
                fresh.append((raw, fingerprint))
        results = self.ctx.classifier.classify_many(
            ((raw.descriptor, raw.mcc, raw.memo) for raw, _ in fresh),
            boilerplate=self.boilerplate or frozenset(),
        )
        now = utcnow()
        # Built once per batch: what every new row of it shares, in the driver's form.
        enc = self.encoder
        encode_date, encode_json = enc.date, enc.json
        stamp = enc.timestamp(now)
        connection_id, reporting = self.connection_id, self.rates.reporting
        convert, people, classified, outside = (
            self.rates.convert,
            self._people,
            self._classified,
            self._outside,
        )
        inserts: list[tuple[Any, ...]] = []
        inserted: list[tuple[RawTransaction, int | None]] = []
        updates: list[dict[str, Any]] = []
        vendor_ids, candidate_names = stats.vendor_ids, stats.candidate_names
        for (raw, fingerprint), result in zip(fresh, results, strict=True):
            holder_id, dept_id = people(raw)
            columns = classified(result)
            vendor_id = columns[0]
            spend = raw.kind is Kind.PURCHASE
            if not spend:
                # A card payment, a transfer, interest, a balance: not software bought, so
                # never a finding, whatever its descriptor resembles.
                columns = (vendor_id, False, *columns[2:])
            elif vendor_id is not None:
                vendor_ids.add(vendor_id)
            elif (
                name := candidate_of(None, columns[_MATCHED_BY], columns[_MATCHED_TEXT])
            ) is not None:
                candidate_names.add(name)
            is_outside = spend and outside(result.is_software, vendor_id, dept_id)
            reporting_amount = convert(raw.amount_minor, raw.currency, raw.transaction_date)
            known = existing.get(raw.external_id)
            if known is None:
                # In repository.COLUMNS order (a test reads every column back).
                inserts.append(
                    (
                        connection_id,
                        raw.external_id,
                        encode_date(raw.transaction_date),
                        encode_date(raw.posted_date),
                        raw.amount_minor,
                        raw.currency.upper(),
                        reporting_amount,
                        reporting,
                        raw.descriptor,
                        raw.merchant_name,
                        raw.mcc,
                        raw.memo,
                        raw.channel.value,
                        raw.kind.value,
                        raw.card_last4,
                        holder_id,
                        dept_id,
                        _encoded_raw(raw.raw, encode_json),
                        fingerprint,
                        *columns,
                        stamp,  # classified_at
                        is_outside,
                        None,  # duplicate_of_id
                        None,  # removed_at
                        stamp,  # created_at
                        stamp,  # updated_at
                    )
                )
                inserted.append((raw, vendor_id))
                continue
            if (previous := old_vendor.get(raw.external_id)) is not None:
                vendor_ids.add(previous)
            if (was := old_candidate.get(raw.external_id)) is not None:
                candidate_names.add(was)
            updates.append(
                {
                    "id": known[0],
                    **{f: getattr(raw, f) for f in _SOURCE_FIELDS},
                    "currency": raw.currency.upper(),
                    "channel": raw.channel.value,
                    "kind": raw.kind.value,
                    "reporting_amount_minor": reporting_amount,
                    "reporting_currency": reporting,
                    "cardholder_id": holder_id,
                    "department_id": dept_id,
                    "raw": repository.jsonable(
                        limits.capped_raw(raw.raw) if _too_long(encode_json(raw.raw)) else raw.raw
                    ),
                    "source_hash": fingerprint,
                    **dict(zip(_CLASSIFICATION_COLUMNS, columns, strict=True)),
                    "classified_at": now,
                    "outside_it": is_outside,
                    "removed_at": None,
                    "updated_at": now,
                }
            )
        if inserts:
            repository.insert_transactions(self.session, inserts)
            if self.other_connections:
                self._link_duplicates(inserted)
        if updates:
            self.session.execute(update(Transaction), updates)
            if self.track_touched:
                stats.touched_ids.extend(u["id"] for u in updates)
        stats.inserted += len(inserts)
        stats.updated += len(updates)
        stats.unchanged += unchanged
        if self.track_touched and inserted:
            ids = self.session.execute(
                select(Transaction.id).where(
                    Transaction.connection_id == self.connection_id,
                    col(Transaction.external_id).in_([raw.external_id for raw, _ in inserted]),
                )
            ).scalars()
            stats.touched_ids.extend(ids)


DUPLICATE_WINDOW_DAYS = 3


def _person_key(name: str) -> str:
    """A name as files write it in any case and spacing (``JANE  DOE`` = ``Jane Doe``)."""
    return " ".join(name.split()).casefold()


class BadRow(ValueError):
    """Row ``position`` (1-based, in the order the source gave them) cannot be stored."""

    def __init__(self, position: int, external_id: str, field: str, message: str) -> None:
        super().__init__(f"row {position} ({field}): {message}")
        self.position = position
        self.external_id = external_id
        self.field = field
        self.message = message


def _too_long(encoded: Any) -> bool:
    return isinstance(encoded, str) and len(encoded) > limits.MAX_RAW_CHARS


def _encoded_raw(payload: Any, encode: Callable[[Any], Any]) -> Any:
    """The raw payload in the driver's form, cut first when its JSON is too long (measuring
    the encoded text is free; only a long payload is encoded twice)."""
    encoded = encode(payload)
    return encode(limits.capped_raw(payload)) if _too_long(encoded) else encoded


def _merchant_key(descriptor: str) -> str:
    return compact(normalise(descriptor))


def _same_charge(new: RawTransaction, vendor_id: int | None, old: Any) -> bool:
    if new.card_last4 and old.card_last4 and new.card_last4 != old.card_last4:
        return False
    if vendor_id is not None and vendor_id == old.vendor_id:
        return True
    a, b = _merchant_key(new.descriptor), _merchant_key(old.descriptor)
    return bool(a) and (a == b or a.startswith(b) or b.startswith(a)) and min(len(a), len(b)) >= 4


def earliest(rows: list[RawTransaction]) -> date | None:
    return min((r.transaction_date for r in rows), default=None)
