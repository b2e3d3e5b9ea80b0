"""Property: after any sequence of imports, re-imports, removals, re-classifications, amount
corrections and decisions, every live finding's totals equal the sum of the transactions behind
it, every closed finding's totals equal the sum of the evidence it kept when it closed, every
(vendor, department) with outside-IT spend has exactly one live finding, the per-day sums the
engine reads (kept by trigger deltas) equal the transactions of each day, and refreshing only
what changed leaves every finding as a full recompute would."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.auth.principal import SYSTEM
from app.classification import service as classification_service
from app.findings import engine, evidence
from app.findings import reclassify as reclassify_service
from app.findings import service as findings_service
from app.findings.schemas import DecisionRequest
from app.ingest.service import Ingestor
from app.models import Connection, Department, Finding, MatchRule, Transaction
from app.models.findings import FindingDay
from connectors.base import Channel, RawTransaction

DESCRIPTORS = [
    "ZOOM.US 888-799-9666 CA",
    "NOTION LABS INC SAN FRANCISCO",
    "CANVA* 04-1234567 SYDNEY AU",
    "SLACK T0123ABCD DUBLIN",
    "SQ *BLUE BOTTLE COFFEE",
    "PADDLE.NET* N8N CLOUD",
]
DEPARTMENTS = ["Marketing", "Sales", "IT"]
START = date(2026, 1, 1)

row = st.tuples(
    st.integers(0, 11),  # external id: a small space, so re-imports update rows
    st.integers(0, len(DESCRIPTORS) - 1),
    st.integers(0, len(DEPARTMENTS) - 1),
    st.integers(-5_000, 50_000),  # refunds included
    st.integers(0, 200),
    st.booleans(),  # reimbursement or card
)
op = st.one_of(
    st.tuples(st.just("import"), st.lists(row, min_size=1, max_size=8)),
    st.tuples(st.just("remove"), st.integers(0, 11)),
    st.tuples(st.just("rule"), st.integers(0, len(DESCRIPTORS) - 1)),
    st.tuples(st.just("approve"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("dismiss"), st.integers(0, 20)),
    st.tuples(st.just("reject"), st.integers(0, 20)),
    # A write path that does not name the vendor (e.g. a corrected exchange rate): the next
    # refresh, of any vendors, still picks the change up.
    st.tuples(st.just("amount"), st.integers(0, 20), st.integers(-3_000, 90_000)),
)


def _setup(session: Session) -> tuple[Connection, Connection]:
    cards = Connection(name="cards", connector="file")
    it_card = Connection(name="it card", connector="file", is_it_channel=True)
    session.add_all([cards, it_card])
    for name in DEPARTMENTS:
        existing = session.exec(select(Department).where(Department.name == name)).first()
        if existing is None:
            session.add(Department(name=name, is_it=name == "IT"))
    session.flush()
    return cards, it_card


def _apply(session: Session, conns: tuple[Connection, Connection], operation: tuple) -> None:  # type: ignore[type-arg]
    kind = operation[0]
    if kind == "import":
        by_conn: dict[int, list[RawTransaction]] = defaultdict(list)
        for ext, d, dept, amount, day, reimbursed in operation[1]:
            conn = conns[1] if ext == 11 else conns[0]
            by_conn[0 if conn is conns[0] else 1].append(
                RawTransaction(
                    external_id=f"t{ext}",
                    transaction_date=START + timedelta(days=day),
                    amount_minor=amount,
                    currency="USD",
                    descriptor=DESCRIPTORS[d],
                    department_name=DEPARTMENTS[dept],
                    channel=Channel.REIMBURSEMENT if reimbursed else Channel.CARD,
                )
            )
        for index, rows in by_conn.items():
            stats = Ingestor(session, conns[index]).ingest(rows)
            engine.refresh(session, stats.vendor_ids)
    elif kind == "remove":
        stats = Ingestor(session, conns[0]).ingest(
            [
                RawTransaction(
                    external_id=f"t{operation[1]}",
                    transaction_date=START,
                    amount_minor=0,
                    currency="XXX",
                    descriptor="",
                    removed=True,
                )
            ]
        )
        engine.refresh(session, stats.vendor_ids)
    elif kind == "amount":
        ids = session.exec(select(Transaction.id).order_by(col(Transaction.id))).all()
        if not ids:
            return
        session.execute(
            update(Transaction)
            .where(col(Transaction.id) == ids[operation[1] % len(ids)])
            .values(reporting_amount_minor=operation[2])
        )
        engine.refresh(session, [])
    elif kind == "rule":
        session.add(
            MatchRule(pattern=DESCRIPTORS[operation[1]][:10], kind="contains", vendor_id=None)
        )
        session.flush()
        classification_service.invalidate_cache()
        reclassify_service.reclassify(session, descriptor_contains=DESCRIPTORS[operation[1]][:10])
    else:
        findings = session.exec(select(Finding).order_by(col(Finding.id))).all()
        candidates = [f for f in findings if f.status in ("open", "rejected", "snoozed")]
        if not candidates:
            return
        target = candidates[operation[1] % len(candidates)]
        if kind == "approve":
            req = DecisionRequest(
                decision="approve", scope="company" if operation[2] else "department"
            )
        elif kind == "reject":
            req = DecisionRequest(decision="reject")
        else:
            if not target.transaction_count:
                return
            req = DecisionRequest(decision="dismiss", not_software=True)
        findings_service.decide(session, target, req, SYSTEM, None)
    session.flush()


def _check(session: Session) -> None:
    expected: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for t in session.exec(
        select(Transaction).where(
            col(Transaction.outside_it).is_(True),
            col(Transaction.removed_at).is_(None),
            col(Transaction.duplicate_of_id).is_(None),
        )
    ):
        assert t.vendor_id is not None
        expected[(t.vendor_id, t.department_id)].append(t.reporting_amount_minor or 0)
    every = session.exec(select(Finding)).all()
    findings = [f for f in every if f.status in ("open", "rejected", "snoozed")]
    closed = [f for f in every if f.status in ("approved", "dismissed")]
    assert len(findings) + len(closed) == len(every)
    kept = evidence.kept_totals(session, [f.id for f in closed if f.id is not None])
    for f in closed:
        assert f.closed_reason is not None
        assert kept.get(f.id or 0, (0, 0)) == (f.transaction_count, f.total_reporting_minor)
    keys = [(f.vendor_id, f.department_id) for f in findings]
    assert len(keys) == len(set(keys)), "one live finding per (vendor, department)"
    by_key = dict(zip(keys, findings, strict=True))
    for key, amounts in expected.items():
        assert key in by_key, f"outside-IT spend without a finding: {key}"
        f = by_key[key]
        assert f.total_reporting_minor == sum(amounts), (key, f.total_reporting_minor, amounts)
        assert f.transaction_count == len(amounts)
    for key, f in by_key.items():
        if key not in expected:
            assert f.transaction_count == 0
            assert f.total_reporting_minor == 0
    _check_days(session)
    _check_incremental_equals_full(session)


def _state(session: Session) -> dict[int | None, tuple[object, ...]]:
    return {
        f.id: (
            f.severity,
            f.severity_score,
            repr(f.severity_reasons),
            f.total_reporting_minor,
            f.transaction_count,
            f.first_seen_date,
            f.last_seen_date,
            f.cadence,
            f.annual_run_rate_minor,
        )
        for f in session.exec(select(Finding))
    }


def _check_incremental_equals_full(session: Session) -> None:
    """Recomputing only what changed leaves every finding as recomputing everything would."""
    incremental = _state(session)
    savepoint = session.begin_nested()
    try:
        engine.refresh_all(session)
        assert _state(session) == incremental
    finally:
        savepoint.rollback()


def _check_days(session: Session) -> None:
    engine.fold_deltas(session)
    expected: dict[tuple[int, int, date], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for t in session.exec(
        select(Transaction).where(
            col(Transaction.outside_it).is_(True),
            col(Transaction.removed_at).is_(None),
            col(Transaction.duplicate_of_id).is_(None),
            col(Transaction.vendor_id).is_not(None),
        )
    ):
        assert t.vendor_id is not None
        sums = expected[(t.vendor_id, t.department_id or 0, t.transaction_date)]
        amount = t.reporting_amount_minor or 0
        sums[0] += 1
        sums[1] += amount
        sums[2] += max(amount, 0)
        sums[3] += t.channel == "reimbursement"
        sums[4] += t.reseller_slug is not None
    stored = {
        (d.vendor_id, d.department_key, d.day): [
            d.n,
            d.amount_minor,
            d.positive_minor,
            d.reimbursed,
            d.resold,
        ]
        for d in session.exec(select(FindingDay))
    }
    assert stored == dict(expected)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(op, min_size=1, max_size=8))
def test_finding_totals_always_match_their_transactions(
    session: Session,
    ops: list[tuple],  # type: ignore[type-arg]
) -> None:
    savepoint = session.begin_nested()
    try:
        conns = _setup(session)
        for operation in ops:
            _apply(session, conns, operation)
            _check(session)
    finally:
        savepoint.rollback()
        classification_service.invalidate_cache()
