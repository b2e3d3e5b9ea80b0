"""The world the scope tests share: two departments, the other one's rows marked, and one key
per role scoped to the own department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app.api_keys import service as api_keys_service
from app.models import Cardholder, Finding, Registration, Role, SanctionedApp
from tests.feeds import factories as f

MARK = "leakmark"  # in every name, email and text of the other department's rows


@dataclass(frozen=True)
class World:
    own_department_id: int
    other: dict[str, int]  # path parameter name -> the other department's row id
    keys: dict[Role, str]  # one key per role, scoped to the own department


@pytest.fixture
def world(session: Session) -> World:
    own = f.department(session, "Own")
    other = f.department(session, f"Other {MARK}")
    assert own.id is not None
    assert other.id is not None
    conn = f.connection(session)
    vendor = f.vendor(session, "Shared tool")
    assert vendor.id is not None
    holder = Cardholder(name=f"Pat {MARK}", email=f"pat@{MARK}.example", department_id=other.id)
    session.add(holder)
    session.flush()
    today = datetime.now(UTC).date()
    # A monthly charge, so the subscriptions and renewals have something to show.
    txn, *_ = (
        f.transaction(
            session,
            conn,
            on=today - timedelta(days=30 * months),
            amount_minor=12_345,
            descriptor=f"{MARK.upper()} SHARED TOOL",
            department_id=other.id,
            vendor_id=vendor.id,
            is_software=True,
            outside_it=True,
        )
        for months in range(4)
    )
    finding = Finding(vendor_id=vendor.id, department_id=other.id, transaction_count=1)
    app_row = SanctionedApp(
        vendor_id=vendor.id, department_id=other.id, owner_email=f"owner@{MARK}.example"
    )
    registration = Registration(
        name_as_typed=f"{MARK} tool",
        vendor_id=vendor.id,
        department_id=other.id,
        owner_email=f"reg@{MARK}.example",
    )
    session.add_all([finding, app_row, registration])
    session.flush()
    keys = {
        role: api_keys_service.create_key(
            session, name=f"scoped {role.value}", role=role, department_id=own.id
        )[1]
        for role in Role
    }
    session.commit()
    ids = {
        "department_id": other.id,
        "cardholder_id": holder.id,
        "transaction_id": txn.id,
        "finding_id": finding.id,
        "app_id": app_row.id,
        "registration_id": registration.id,
        "vendor_id": vendor.id,
        "connection_id": conn.id,
    }
    return World(own.id, {k: v for k, v in ids.items() if v is not None}, keys)
