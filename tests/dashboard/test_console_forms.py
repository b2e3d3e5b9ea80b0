"""Registrations and sanctioned apps in the console: the lists for every role, the forms (CSRF,
refusals that keep what was typed and change nothing, a department key registering for its own
department only), the catalog suggestions, and the renewals calendar."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.db import utcnow
from app.models import AuditEvent, Finding, Registration, SanctionedApp
from tests.dashboard.conftest import Spend, sign_in

ROLES = ["admin", "it", "marketing", "finance", "viewer"]
# role -> (may read registrations, may register, may change the sanctioned inventory)
CAN = {
    "admin": (True, True, True),
    "it": (True, True, True),
    "marketing": (True, True, False),
    "finance": (False, False, False),
    "viewer": (False, False, False),
}


def _registrations(session: Session) -> list[Registration]:
    return list(session.exec(select(Registration).order_by(col(Registration.id))))


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_forms_for_every_role(
    client: TestClient, keys: Any, spend: Spend, role: str
) -> None:
    read_regs, register, write_sanctioned = CAN[role]
    sign_in(client, keys.for_role(role))
    nav = client.get("/sanctioned").text
    assert ('href="/registrations"' in nav) == read_regs
    assert client.get("/registrations").status_code == (200 if read_regs else 403)
    assert client.get("/registrations/new").status_code == (200 if register else 403)
    listing = client.get("/sanctioned")
    assert listing.status_code == 200
    assert ('href="/sanctioned/new"' in listing.text) == write_sanctioned
    assert client.get("/sanctioned/new").status_code == (200 if write_sanctioned else 403)
    suggest = client.get("/fragments/catalog-suggest", params={"q": "Sketchy"})
    assert suggest.status_code == 200
    assert f'data-vendor-id="{spend.figma_id}"' in suggest.text


def test_marketing_registers_a_tool_for_its_own_department(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.marketing)
    form = client.get("/registrations/new").text
    assert "Marketing" in form
    assert 'name="department_id"' not in form  # its own department, nothing to pick
    vendor_name = client.get(f"/apps/{spend.slack_id}").text
    name = re.search(r"<h1>([^<]+) <small>", vendor_name)
    assert name is not None
    response = client.post(
        "/registrations/new",
        data={
            "csrf_token": csrf,
            "name": name.group(1).strip(),
            "owner_email": "lead@example.com",
            "purpose": "team chat with agencies",
            "seats": "12",
            "cost": "1,200.50",
            "currency": "usd",
            "period": "annual",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    reg = _registrations(session)[-1]
    assert reg.department_id == keys.marketing_department_id
    assert reg.vendor_id == spend.slack_id
    assert reg.cost_minor == 1_200_50
    assert reg.currency == "USD"
    assert reg.seats == 12
    finding = session.get(Finding, spend.finding_id)
    assert finding is not None
    assert finding.registration_id == reg.id  # IT now sees "declared by marketing"
    page = client.get(response.headers["location"]).text
    assert "matched to" in page
    assert "USD 1,200.50 per year" in page
    assert f'href="/findings/{spend.finding_id}"' in page


def test_a_department_key_cannot_register_for_another_department(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.marketing)
    before = len(_registrations(session))
    response = client.post(
        "/registrations/new",
        data={"csrf_token": csrf, "name": "Sneaky tool", "department_id": str(spend.sales_id)},
    )
    assert response.status_code == 403
    assert "its own department" in response.text
    assert len(_registrations(session)) == before


def test_a_refused_registration_keeps_what_was_typed(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    before = len(_registrations(session))
    response = client.post(
        "/registrations/new",
        data={
            "csrf_token": csrf,
            "name": "Whiteboard app",
            "department_id": str(spend.sales_id),
            "cost": "12.345",
            "currency": "USD",
            "purpose": "remote workshops",
        },
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "more decimals than USD allows" in response.text
    assert 'value="12.345"' in response.text
    assert "remote workshops" in response.text
    assert len(_registrations(session)) == before
    no_token = client.post("/registrations/new", data={"name": "x", "csrf_token": ""})
    assert no_token.status_code == 403
    assert len(_registrations(session)) == before


def test_it_adds_edits_and_retires_a_sanctioned_app(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.it)
    ends = utcnow().date() + timedelta(days=40)
    added = client.post(
        "/sanctioned/new",
        data={
            "csrf_token": csrf,
            "vendor_id": str(spend.slack_id),
            "department_id": str(spend.marketing_id),
            "owner_email": "it@example.com",
            "contract_end": ends.isoformat(),
            "notice_days": "30",
            "seats": "20",
            "annual_value": "2,400.00",
            "currency": "USD",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text[:500]
    row = session.exec(select(SanctionedApp).where(SanctionedApp.vendor_id == spend.slack_id)).one()
    assert row.annual_value_minor == 2_400_00
    assert row.department_id == spend.marketing_id
    finding = session.get(Finding, spend.finding_id)
    assert finding is not None
    session.refresh(finding)
    assert finding.status == "approved"  # the open finding it covers closed
    page = client.get(added.headers["location"]).text
    assert "1 open finding closed as approved" in page
    calendar = page[page.index('id="renewals"') : page.index('id="sanctioned"')]
    assert ends.strftime("%B %Y") in calendar
    assert "USD 2,400.00" in calendar
    assert f'act by <time datetime="{(ends - timedelta(days=30)).isoformat()}"' in calendar

    edit = client.get(f"/sanctioned/{row.id}/edit").text
    version = re.search(r'name="version" value="(\d+)"', edit)
    assert version is not None
    changed = client.post(
        f"/sanctioned/{row.id}/edit",
        data={
            "csrf_token": csrf,
            "version": version.group(1),
            "owner_email": "owner@example.com",
            "contract_end": ends.isoformat(),
            "seats": "25",
            "annual_value": "3000",
            "currency": "USD",
        },
        follow_redirects=False,
    )
    assert changed.status_code == 303, changed.text[:500]
    session.refresh(row)
    assert (row.seats, row.annual_value_minor, row.owner_email) == (
        25,
        3_000_00,
        "owner@example.com",
    )
    stale = client.post(
        f"/sanctioned/{row.id}/edit",
        data={"csrf_token": csrf, "version": version.group(1), "seats": "1"},
    )
    assert stale.status_code == 409
    assert "changed since you read it" in stale.text
    session.refresh(row)
    assert row.seats == 25

    retired = client.post(
        f"/sanctioned/{row.id}/retire",
        data={"csrf_token": csrf, "comment": "moved to the company chat tool"},
        follow_redirects=False,
    )
    assert retired.status_code == 303
    session.refresh(row)
    assert row.status == "retired"
    actions = {
        e.action
        for e in session.exec(
            select(AuditEvent).where(
                AuditEvent.entity_type == "sanctioned_app", AuditEvent.entity_id == str(row.id)
            )
        )
    }
    assert actions == {"sanctioned_app.created", "sanctioned_app.updated", "sanctioned_app.retired"}
    again = client.post(f"/sanctioned/{row.id}/retire", data={"csrf_token": csrf})
    assert again.status_code == 409


def test_adding_by_name_matches_the_catalog_or_says_what_is_close(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    csrf = sign_in(client, keys.admin)
    unknown = client.post(
        "/sanctioned/new", data={"csrf_token": csrf, "vendor": "Sketchy", "annual_value": "10"}
    )
    assert unknown.status_code == 422
    assert "no catalog vendor is called" in unknown.text
    assert 'value="Sketchy"' in unknown.text
    assert session.exec(select(SanctionedApp)).first() is None
    vendor = re.search(r"<h1>([^<]+) <small>", client.get(f"/apps/{spend.figma_id}").text)
    assert vendor is not None
    added = client.post(
        "/sanctioned/new",
        data={"csrf_token": csrf, "vendor": vendor.group(1).strip()},
        follow_redirects=False,
    )
    assert added.status_code == 303
    row = session.exec(select(SanctionedApp)).one()
    assert (row.vendor_id, row.department_id) == (spend.figma_id, None)
    twice = client.post(
        "/sanctioned/new", data={"csrf_token": csrf, "vendor_id": str(spend.figma_id)}
    )
    assert twice.status_code == 409


@pytest.mark.parametrize("role", ["marketing", "viewer"])
def test_roles_without_the_permission_cannot_post(
    client: TestClient, keys: Any, spend: Spend, session: Session, role: str
) -> None:
    csrf = sign_in(client, keys.for_role(role))
    refused = client.post(
        "/sanctioned/new", data={"csrf_token": csrf, "vendor_id": str(spend.figma_id)}
    )
    assert refused.status_code == 403
    assert session.exec(select(SanctionedApp)).first() is None


def test_a_department_key_sees_its_own_and_company_wide_contracts_only(
    client: TestClient, keys: Any, spend: Spend, session: Session
) -> None:
    session.add_all(
        [
            SanctionedApp(vendor_id=spend.figma_id, department_id=spend.sales_id, notes="sales"),
            SanctionedApp(vendor_id=spend.slack_id, department_id=None),
        ]
    )
    session.commit()
    sign_in(client, keys.marketing)
    page = client.get("/sanctioned").text
    assert "1 sanctioned app" in page
    assert f"Sales {spend.sales_id}" not in page
    assert "Company-wide" in page


def test_a_department_scoped_it_key_cannot_change_the_sanctioned_inventory(
    client: TestClient, spend: Spend, session: Session
) -> None:
    # The API refuses sanctioned-app writes to any department-scoped key (the inventory spans
    # departments): the console's forms apply the same rule, not the role alone.
    from app.api_keys import service as api_keys_service

    _, scoped_it = api_keys_service.create_key(
        session, name="scoped it", role="it", department_id=spend.marketing_id
    )
    session.commit()
    csrf = sign_in(client, scoped_it)
    assert 'href="/sanctioned/new"' not in client.get("/sanctioned").text
    assert client.get("/sanctioned/new").status_code == 403
    refused = client.post(
        "/sanctioned/new", data={"csrf_token": csrf, "vendor_id": str(spend.figma_id)}
    )
    assert refused.status_code == 403
    assert "department scope" in refused.text
    assert session.exec(select(SanctionedApp)).first() is None
