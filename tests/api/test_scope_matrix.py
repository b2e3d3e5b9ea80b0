"""Every read route x every role it allows, with a key scoped to one department, generated from
the permission table's :data:`~app.auth.permissions.SCOPES`: another department's rows never
show, routes that span departments refuse the key, and a read route whose permission the table
does not classify fails here (issue #14: ``GET /sanctioned-apps`` showed a marketing key every
department's contracts)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.api_keys import service as api_keys_service
from app.auth.permissions import PERMISSIONS, SCOPES, Perm, Scope
from app.models import Role, SanctionedApp
from tests.api.conftest import MARK, World
from tests.api.test_auth_matrix import ROUTES, _permissions
from tests.feeds import factories as f

READS = [(p, _permissions(r)[0]) for m, p, r in ROUTES if m == "GET"]


def test_every_permission_says_what_a_scoped_key_gets() -> None:
    assert set(SCOPES) == set(Perm)


def _url(path: str, world: World) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: str(world.other.get(m.group(1), 999999)), path)


@pytest.mark.parametrize(("path", "perm"), READS, ids=[p for p, _ in READS])
def test_a_scoped_key_never_reads_another_department(
    client: TestClient, world: World, path: str, perm: Perm
) -> None:
    url = _url(path, world)
    for role in sorted(PERMISSIONS[perm]):
        response = client.get(url, headers={"Authorization": f"Bearer {world.keys[role]}"})
        assert response.status_code < 500, f"{role} {url}: {response.text}"
        if SCOPES[perm] is Scope.UNSCOPED_ONLY:
            assert response.status_code == 403, f"{role} {url} must refuse a scoped key"
            continue
        # Shared data names no department; scoped data must not name the other one.
        assert MARK not in response.text.lower(), f"{role} {url} leaked: {response.text[:500]}"


# Read routes under a department-scoped permission that hold no department's rows.
NO_DEPARTMENT_ROWS = {"/api/v1/fx-rates"}


@pytest.mark.parametrize(
    "path",
    [p for p, perm in READS if SCOPES[perm] is Scope.DEPARTMENT and p not in NO_DEPARTMENT_ROWS],
)
def test_an_unscoped_key_sees_what_the_scoped_one_must_not(
    client: TestClient, world: World, session: Session, path: str
) -> None:
    # Proves the seed reaches every scoped route, so the leak test above can fail.
    _, admin = api_keys_service.create_key(session, name="unscoped admin", role=Role.ADMIN)
    session.commit()
    response = client.get(_url(path, world), headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 200, response.text
    assert MARK in response.text.lower()


def test_scoped_sanctioned_apps_show_own_and_company_wide(
    client: TestClient, world: World, session: Session
) -> None:
    vendor = f.vendor(session, "Company tool")
    assert vendor.id is not None
    company = SanctionedApp(vendor_id=vendor.id, department_id=None)
    own = SanctionedApp(vendor_id=vendor.id, department_id=world.own_department_id)
    session.add_all([company, own])
    session.commit()
    headers = {"Authorization": f"Bearer {world.keys[Role.MARKETING]}"}
    items = client.get("/api/v1/sanctioned-apps", headers=headers).json()["items"]
    assert {i["id"] for i in items} == {company.id, own.id}
    other = world.other["department_id"]
    refused = client.get(f"/api/v1/sanctioned-apps?department_id={other}", headers=headers)
    assert refused.status_code == 403
