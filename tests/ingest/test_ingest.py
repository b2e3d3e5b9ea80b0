"""The ingest pipeline writes rows as positional tuples: every column is read back here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from app.config import get_settings
from app.ingest.service import Ingestor
from app.models import Cardholder, Connection, Department, FxRate, Transaction
from classifiers import CLASSIFIER_VERSION
from connectors.base import Channel, RawTransaction


def _raw(**changes: object) -> RawTransaction:
    values: dict[str, object] = {
        "external_id": "t-1",
        "transaction_date": date(2026, 3, 2),
        "amount_minor": 12_345,
        "currency": "eur",
        "descriptor": "ZOOM.US 888-799-9666 CA",
        "posted_date": date(2026, 3, 4),
        "merchant_name": "Zoom",
        "mcc": "4899",
        "memo": "team plan",
        "channel": Channel.REIMBURSEMENT,
        "cardholder_external_id": "u-7",
        "cardholder_name": "Ana Lima",
        "cardholder_email": "Ana.Lima@acme.example",
        "department_name": "Marketing",
        "card_last4": "4821",
        "raw": {"Amount": "123.45", "when": date(2026, 3, 2), "n": 3},
    }
    values.update(changes)
    return RawTransaction(**values)  # type: ignore[arg-type]


def _setup(session: Session) -> Connection:
    conn = Connection(name="ingest test", connector="file")
    session.add(conn)
    reporting = get_settings().reporting_currency
    session.add(
        FxRate(rate_date=date(2026, 3, 1), currency="EUR", quote_currency=reporting, rate=2)
    )
    session.flush()
    return conn


def test_every_column_of_a_new_row(session: Session) -> None:
    conn = _setup(session)
    before = datetime.now(UTC) - timedelta(seconds=1)
    stats = Ingestor(session, conn).ingest([_raw()])
    assert (stats.inserted, stats.updated, stats.unchanged) == (1, 0, 0)

    row = session.exec(select(Transaction).where(Transaction.connection_id == conn.id)).one()
    holder = session.exec(select(Cardholder).where(Cardholder.external_id == "u-7")).one()
    dept = session.exec(select(Department).where(Department.name == "Marketing")).one()
    reporting = get_settings().reporting_currency
    assert row.external_id == "t-1"
    assert row.transaction_date == date(2026, 3, 2)
    assert row.posted_date == date(2026, 3, 4)
    assert (row.amount_minor, row.currency) == (12_345, "EUR")
    expected = 24_690 if reporting != "EUR" else 12_345
    assert (row.reporting_amount_minor, row.reporting_currency) == (expected, reporting)
    assert (row.descriptor, row.merchant_name, row.mcc, row.memo) == (
        "ZOOM.US 888-799-9666 CA",
        "Zoom",
        "4899",
        "team plan",
    )
    assert (row.channel, row.card_last4) == ("reimbursement", "4821")
    assert (row.cardholder_id, row.department_id) == (holder.id, dept.id)
    assert holder.department_id == dept.id
    assert row.raw == {"Amount": "123.45", "when": "2026-03-02", "n": 3}
    assert row.source_hash is not None
    assert len(row.source_hash) == 40
    assert row.vendor_id is not None
    assert row.is_software is True
    assert row.category
    assert row.matched_by
    assert row.explanation
    assert isinstance(row.confidence, float)
    assert 0 < row.confidence <= 1
    assert row.classifier_version == CLASSIFIER_VERSION
    assert row.outside_it is True  # software, Marketing, not sanctioned
    assert row.duplicate_of_id is None
    assert row.removed_at is None
    for stamp in (row.classified_at, row.created_at, row.updated_at):
        assert stamp is not None
        assert before <= stamp <= datetime.now(UTC)


def test_reimport_adds_nothing_and_a_changed_row_updates(session: Session) -> None:
    conn = _setup(session)
    Ingestor(session, conn).ingest([_raw(), _raw(external_id="t-2", descriptor="SQ *COFFEE")])
    again = Ingestor(session, conn).ingest(
        [_raw(), _raw(external_id="t-2", descriptor="SQ *COFFEE")]
    )
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)

    changed = Ingestor(session, conn).ingest(
        [_raw(amount_minor=500, currency="USD", memo=None, department_name="Sales")]
    )
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 0)
    row = session.exec(select(Transaction).where(Transaction.external_id == "t-1")).one()
    session.refresh(row)
    assert (row.amount_minor, row.currency, row.memo) == (500, "USD", None)
    assert row.reporting_amount_minor == (
        500 if get_settings().reporting_currency == "USD" else None
    )
    # The cardholder keeps the department they were created with.
    dept = session.exec(select(Department).where(Department.name == "Marketing")).one()
    assert row.department_id == dept.id
    assert row.channel == "reimbursement"
    assert row.vendor_id is not None


def test_rows_without_people_take_the_department_named_on_the_row(session: Session) -> None:
    conn = _setup(session)
    Ingestor(session, conn).ingest(
        [
            _raw(
                cardholder_external_id=None,
                cardholder_email=None,
                cardholder_name=None,
                department_name=" Design ",
                currency="USD",
                raw={},
            )
        ]
    )
    row = session.exec(select(Transaction).where(Transaction.connection_id == conn.id)).one()
    dept = session.exec(select(Department).where(Department.name == "Design")).one()
    assert (row.cardholder_id, row.department_id, row.raw) == (None, dept.id, {})
    assert row.reporting_amount_minor == (
        12_345 if get_settings().reporting_currency == "USD" else None
    )


def test_a_name_alone_resolves_to_the_one_cardholder_of_that_name(session: Session) -> None:
    """An Amex "Card Member": the cardholder another source knows by that name (with their
    department), or one of this connection keyed by the name, the same for every row."""
    conn = _setup(session)
    design = Department(name="Design")
    session.add(design)
    session.flush()
    known = Cardholder(name="Jane Doe", email="jane@acme.example", department_id=design.id)
    session.add(known)
    session.flush()
    only_name = {"cardholder_external_id": None, "cardholder_email": None, "department_name": None}
    Ingestor(session, conn).ingest(
        [
            _raw(external_id="a", cardholder_name="JANE  DOE", **only_name),
            _raw(external_id="b", cardholder_name="JOHN ROE", **only_name),
            _raw(external_id="c", cardholder_name="John Roe", **only_name),
        ]
    )
    rows = {
        t.external_id: t
        for t in session.exec(select(Transaction).where(Transaction.connection_id == conn.id))
    }
    assert (rows["a"].cardholder_id, rows["a"].department_id) == (known.id, design.id)
    assert rows["b"].cardholder_id is not None
    assert rows["b"].cardholder_id == rows["c"].cardholder_id != known.id
    john = session.get(Cardholder, rows["b"].cardholder_id)
    assert john is not None
    assert (john.connection_id, john.external_id) == (conn.id, "name:john roe")
