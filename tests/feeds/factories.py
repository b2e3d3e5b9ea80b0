"""Plain typed factories for spend rows: a connection, departments, vendors, transactions."""

from __future__ import annotations

import itertools
from datetime import date

from sqlmodel import Session

from app.models import Connection, Department, Transaction, Vendor

_seq = itertools.count(1)


def connection(session: Session, name: str = "Corporate card") -> Connection:
    row = Connection(name=f"{name} {next(_seq)}", connector="csv")
    session.add(row)
    session.flush()
    return row


def department(session: Session, name: str, *, is_it: bool = False) -> Department:
    row = Department(name=f"{name} {next(_seq)}", is_it=is_it)
    session.add(row)
    session.flush()
    return row


def vendor(session: Session, name: str, *, category: str | None = "productivity") -> Vendor:
    n = next(_seq)
    row = Vendor(name=f"{name} {n}", slug=f"test-{name.lower()}-{n}", category=category)
    session.add(row)
    session.flush()
    return row


def transaction(
    session: Session,
    conn: Connection,
    *,
    on: date,
    amount_minor: int,
    currency: str = "USD",
    reporting_amount_minor: int | None = None,
    reporting_currency: str | None = "USD",
    department_id: int | None = None,
    vendor_id: int | None = None,
    category: str | None = None,
    is_software: bool = False,
    outside_it: bool = False,
    channel: str = "card",
    duplicate_of_id: int | None = None,
    descriptor: str = "TEST CHARGE",
) -> Transaction:
    """A stored transaction. ``reporting_amount_minor`` defaults to ``amount_minor`` for
    reporting-currency rows; pass it explicitly (or leave it None) for other currencies."""
    if reporting_amount_minor is None and currency == reporting_currency:
        reporting_amount_minor = amount_minor
    assert conn.id is not None
    row = Transaction(
        connection_id=conn.id,
        external_id=f"t{next(_seq)}",
        transaction_date=on,
        amount_minor=amount_minor,
        currency=currency,
        reporting_amount_minor=reporting_amount_minor,
        reporting_currency=reporting_currency if reporting_amount_minor is not None else None,
        descriptor=descriptor,
        department_id=department_id,
        vendor_id=vendor_id,
        category=category,
        is_software=is_software,
        outside_it=outside_it,
        channel=channel,
        duplicate_of_id=duplicate_of_id,
    )
    session.add(row)
    session.flush()
    return row
