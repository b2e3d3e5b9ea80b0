"""The spend rollups never disagree with the transactions behind them.

Random rows, then random writes of every kind the service makes (bulk inserts through the
import path, ORM inserts, re-classification and outside-IT flips, department moves, dates
moved across a month, removals, duplicate links, rate fixes, deletes and a connection deleted
with its rows): after each, the feed (read from the rollups) must equal an oracle summed in
Python from the rows themselves, for periods that start and end mid-month, and every
grouping and filter the rollups serve.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from app.db import utcnow
from app.feeds import rollup
from app.feeds import service as feeds
from app.ingest import repository
from app.models import Connection, SpendDirty, Transaction
from app.transactions.service import TransactionFilter
from tests.feeds import factories

START = date(2025, 11, 1)
SPAN = 200  # days
GROUPINGS: tuple[tuple[str, ...], ...] = (
    (),
    ("department",),
    ("department", "month"),
    ("quarter",),
    ("vendor",),
    ("category", "month"),
    ("department", "vendor", "quarter"),
)


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month + 2) // 3}"


def _oracle(
    session: Session, flt: TransactionFilter, group_by: tuple[str, ...]
) -> dict[tuple[Any, ...], tuple[int, int, int, int, int]]:
    out: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for t in session.exec(select(Transaction)).all():
        if t.removed_at is not None or t.duplicate_of_id is not None:
            continue
        if flt.date_from and t.transaction_date < flt.date_from:
            continue
        if flt.date_to and t.transaction_date > flt.date_to:
            continue
        if flt.department_id is not None and t.department_id != flt.department_id:
            continue
        if flt.vendor_id is not None and t.vendor_id != flt.vendor_id:
            continue
        if flt.category and t.category != flt.category:
            continue
        if flt.outside_it is not None and t.outside_it != flt.outside_it:
            continue
        if flt.is_software is not None and t.is_software != flt.is_software:
            continue
        values = {
            "department": t.department_id,
            "category": t.category,
            "vendor": t.vendor_id,
            "month": t.transaction_date.strftime("%Y-%m"),
            "quarter": _quarter(t.transaction_date),
        }
        sums = out[tuple(values[g] for g in group_by)]
        converted = t.reporting_amount_minor is not None and t.reporting_currency == "USD"
        amount = t.reporting_amount_minor or 0
        if converted:
            split = 2 if not t.is_software else (1 if t.outside_it else 0)
            sums[split] += amount
        sums[3] += 1
        sums[4] += 0 if converted else 1
    return {k: (v[0], v[1], v[2], v[3], v[4]) for k, v in out.items()}


def _fed(
    session: Session, flt: TransactionFilter, group_by: tuple[str, ...]
) -> dict[tuple[Any, ...], tuple[int, int, int, int, int]]:
    feed = feeds.spend_feed(session, flt, group_by, checkpoint=session.commit)
    names = {"department": "department_id", "vendor": "vendor_id"}
    return {
        tuple(row[names.get(g, g)] for g in group_by): (
            row["sanctioned_minor"],
            row["outside_it_minor"],
            row["not_software_minor"],
            row["transaction_count"],
            row["unconverted_count"],
        )
        for row in feed.rows
    }


def _check(session: Session, rng: random.Random, depts: list[int], vendors: list[int]) -> None:
    for _ in range(3):
        start = START + timedelta(days=rng.randrange(SPAN))
        end = start + timedelta(days=rng.randrange(120))
        flt = TransactionFilter(
            date_from=rng.choice([None, start, start.replace(day=1)]),
            date_to=rng.choice([None, end]),
            department_id=rng.choice([None, None, *depts]),
            vendor_id=rng.choice([None, None, None, *vendors]),
            category=rng.choice([None, None, "design"]),
            outside_it=rng.choice([None, None, True]),
            is_software=rng.choice([None, None, True, False]),
        )
        if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
            continue
        for group_by in GROUPINGS:
            assert _fed(session, flt, group_by) == _oracle(session, flt, group_by), (
                flt,
                group_by,
            )
    assert not rollup.pending(session)


def _random_row(
    rng: random.Random, conn: Connection, depts: list[int], vendors: list[int]
) -> dict[str, Any]:
    vendor = rng.choice([None, *vendors])
    amount = rng.choice([-1, 1, 1, 1]) * rng.randrange(100, 500_000)
    converted = rng.random() > 0.05
    now = utcnow()
    return {
        "connection_id": conn.id,
        "external_id": f"r{rng.getrandbits(48)}",
        "transaction_date": START + timedelta(days=rng.randrange(SPAN)),
        "posted_date": None,
        "amount_minor": amount,
        "currency": "USD",
        "reporting_amount_minor": amount if converted else None,
        "reporting_currency": "USD" if converted else None,
        "descriptor": "RANDOM CHARGE",
        "merchant_name": None,
        "mcc": None,
        "memo": None,
        "channel": "card",
        "kind": "purchase",
        "card_last4": None,
        "cardholder_id": None,
        "department_id": rng.choice([None, *depts]),
        "raw": {},
        "source_hash": None,
        "vendor_id": vendor,
        "is_software": vendor is not None,
        "category": rng.choice(["design", "productivity"]) if vendor else None,
        "confidence": None,
        "matched_by": None,
        "matched_text": None,
        "explanation": None,
        "reseller_slug": None,
        "classifier_version": None,
        "classified_at": None,
        "outside_it": vendor is not None and rng.random() < 0.6,
        "duplicate_of_id": None,
        "removed_at": None,
        "created_at": now,
        "updated_at": now,
    }


def _bulk_insert(session: Session, rows: list[dict[str, Any]]) -> None:
    """Through the import path's own writer (executemany on SQLite, COPY on Postgres)."""
    enc = repository.RowEncoder(session)
    convert = {
        "transaction_date": enc.date,
        "posted_date": enc.date,
        "classified_at": enc.timestamp,
        "removed_at": enc.timestamp,
        "created_at": enc.timestamp,
        "updated_at": enc.timestamp,
        "raw": enc.json,
    }
    repository.insert_transactions(
        session,
        [
            tuple(convert[c](row[c]) if c in convert else row[c] for c in repository.COLUMNS)
            for row in rows
        ],
    )


def _some_ids(session: Session, rng: random.Random, n: int) -> list[int]:
    ids = list(session.exec(select(Transaction.id)).all())
    return [i for i in rng.sample(ids, min(n, len(ids))) if i is not None]


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_match_the_transactions_after_every_kind_of_write(
    session: Session, seed: int
) -> None:
    rng = random.Random(seed)
    depts = [factories.department(session, f"D{i}").id or 0 for i in range(3)]
    vendors = [factories.vendor(session, f"V{i}").id or 0 for i in range(4)]
    conns = [factories.connection(session), factories.connection(session)]
    for conn in conns:
        _bulk_insert(session, [_random_row(rng, conn, depts, vendors) for _ in range(150)])
    session.commit()
    _check(session, rng, depts, vendors)

    def flip_outside() -> None:
        vendor = rng.choice(vendors)
        session.execute(
            update(Transaction)
            .where(col(Transaction.vendor_id) == vendor)
            .values(outside_it=~col(Transaction.outside_it))
        )

    def move_department() -> None:
        session.execute(
            update(Transaction)
            .where(col(Transaction.id).in_(_some_ids(session, rng, 10)))
            .values(department_id=rng.choice([None, *depts]))
        )

    def move_date() -> None:
        for tid in _some_ids(session, rng, 5):
            row = session.get(Transaction, tid)
            assert row is not None
            row.transaction_date += timedelta(days=rng.choice([-40, -3, 3, 40]))
            session.add(row)

    def remove() -> None:
        session.execute(
            update(Transaction)
            .where(col(Transaction.id).in_(_some_ids(session, rng, 8)))
            .values(removed_at=utcnow())
        )

    def link_duplicates() -> None:
        a, b = _some_ids(session, rng, 2)
        session.execute(
            update(Transaction).where(col(Transaction.id) == a).values(duplicate_of_id=b)
        )

    def fix_rates() -> None:
        session.execute(
            update(Transaction)
            .where(col(Transaction.reporting_amount_minor).is_(None))
            .values(
                reporting_amount_minor=col(Transaction.amount_minor),
                reporting_currency="USD",
            )
        )

    def reclassify() -> None:
        session.execute(
            update(Transaction)
            .where(col(Transaction.id).in_(_some_ids(session, rng, 15)))
            .values(vendor_id=rng.choice(vendors), is_software=True, category="design")
        )

    def delete_rows() -> None:
        ids = _some_ids(session, rng, 5)
        session.execute(
            update(Transaction)
            .where(col(Transaction.duplicate_of_id).in_(ids))
            .values(duplicate_of_id=None)
        )
        session.execute(delete(Transaction).where(col(Transaction.id).in_(ids)))

    def orm_insert() -> None:
        factories.transaction(
            session,
            rng.choice(conns),
            on=START + timedelta(days=rng.randrange(SPAN)),
            amount_minor=rng.randrange(100, 9_000),
            department_id=rng.choice(depts),
            vendor_id=vendors[0],
            category="design",
            is_software=True,
            outside_it=True,
        )

    def bulk_insert() -> None:
        _bulk_insert(
            session, [_random_row(rng, rng.choice(conns), depts, vendors) for _ in range(40)]
        )

    writes = [
        flip_outside,
        move_department,
        move_date,
        remove,
        link_duplicates,
        fix_rates,
        reclassify,
        delete_rows,
        orm_insert,
        bulk_insert,
    ]
    for _ in range(10):
        rng.choice(writes)()
        session.flush()
        if rng.random() < 0.5:
            session.commit()
        _check(session, rng, depts, vendors)

    # A connection deleted with its rows (ON DELETE CASCADE fires the triggers too).
    doomed = conns[1]
    session.execute(
        update(Transaction)
        .where(col(Transaction.duplicate_of_id).isnot(None))
        .values(duplicate_of_id=None)
    )
    session.execute(delete(Connection).where(col(Connection.id) == doomed.id))
    session.expunge_all()
    _check(session, rng, depts, vendors)
    left = session.execute(select(func.count()).select_from(SpendDirty)).scalar_one()
    assert left == 0


def test_a_reused_id_after_deleting_the_newest_row_is_still_counted(session: Session) -> None:
    """SQLite may hand the id of a deleted newest row out again; the new row must count."""
    conn = factories.connection(session)
    a, b = factories.department(session, "A").id, factories.department(session, "B").id
    factories.transaction(session, conn, on=date(2026, 1, 5), amount_minor=100, department_id=a)
    newest = factories.transaction(
        session, conn, on=date(2026, 1, 6), amount_minor=200, department_id=a
    )
    session.commit()
    everything = TransactionFilter()
    assert _fed(session, everything, ("department",)) == _oracle(
        session, everything, ("department",)
    )
    session.execute(delete(Transaction).where(col(Transaction.id) == newest.id))
    session.commit()
    factories.transaction(session, conn, on=date(2026, 3, 9), amount_minor=700, department_id=b)
    session.commit()
    for group_by in GROUPINGS:
        assert _fed(session, everything, group_by) == _oracle(session, everything, group_by)
