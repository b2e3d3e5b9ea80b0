"""Every write route x every role it allows, with a key scoped to one department, generated from
the permission table's :data:`~app.auth.permissions.SCOPES` (issue #14): a scoped key changes
its own department's rows and nothing else. A write whose permission is ``UNSCOPED_ONLY``
(shared data: the catalog, rules, connections, imports, FX rates, cardholders, departments, the
sanctioned inventory) refuses it and changes nothing; a ``DEPARTMENT`` write aimed at another
department's row changes nothing of it; a write route the table leaves ``SHARED`` fails here
unless it changes nothing at all."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from app.auth.permissions import PERMISSIONS, SCOPES, Perm, Scope
from app.models import AuditEvent, Finding, MatchRule, Registration, Role, SanctionedApp
from tests.api.conftest import MARK, World
from tests.api.test_auth_matrix import ROUTES, _permissions
from tests.feeds import factories as f

WRITES = [(m, p, _permissions(r)[0]) for m, p, r in ROUTES if m != "GET"]

# POST routes that change nothing (they compute an answer from what they are sent).
CHANGE_NOTHING = {("POST", "/api/v1/classify")}

# For every DEPARTMENT write route: a body that would change the other department's row named
# in the path (or, without one, name that department).
DEPARTMENT_WRITES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/findings/{finding_id}/decision"): {"decision": "reject"},
    ("POST", "/api/v1/findings/bulk-decision"): {"decision": "reject", "ids": ["finding_id"]},
    ("PATCH", "/api/v1/findings/{finding_id}"): {"assignee_email": f"x@{MARK}.example"},
    ("POST", "/api/v1/findings/{finding_id}/comments"): {"comment": f"{MARK} comment"},
    ("POST", "/api/v1/registrations"): {"name": f"{MARK} new", "department_id": "department_id"},
    ("PATCH", "/api/v1/registrations/{registration_id}"): {"purpose": f"{MARK} purpose"},
}


def test_every_write_route_says_what_a_scoped_key_may_write() -> None:
    shared = [(m, p) for m, p, perm in WRITES if SCOPES[perm] is Scope.SHARED]
    assert set(shared) <= CHANGE_NOTHING, f"writes left to scoped keys as shared: {shared}"
    department = {(m, p) for m, p, perm in WRITES if SCOPES[perm] is Scope.DEPARTMENT}
    assert department == set(DEPARTMENT_WRITES), "a DEPARTMENT write without a case here"


def _url(path: str, world: World) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: str(world.other.get(m.group(1), 999999)), path)


def _fill(value: Any, world: World) -> Any:
    """A body with every path-parameter name standing in for the other department's row id."""
    if isinstance(value, str) and value in world.other:
        return world.other[value]
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


def _state(session: Session, world: World) -> tuple[Any, ...]:
    """What a write could change: the audit trail (every write is audited), the rules, the
    sanctioned inventory, registrations and the other department's finding."""
    session.expire_all()
    finding = session.get(Finding, world.other["finding_id"])
    assert finding is not None
    count = func.count()
    return (
        session.exec(select(count).select_from(AuditEvent)).one(),
        session.exec(select(count).select_from(MatchRule)).one(),
        session.exec(select(count).select_from(SanctionedApp)).one(),
        session.exec(select(count).select_from(Registration)).one(),
        (finding.status, finding.version, finding.assignee_email),
    )


def _headers(world: World, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.keys[role]}"}


SCOPED_WRITES = [(m, p, perm) for m, p, perm in WRITES if (m, p) not in CHANGE_NOTHING]


@pytest.mark.parametrize(
    ("method", "path", "perm"), SCOPED_WRITES, ids=[f"{m} {p}" for m, p, _ in SCOPED_WRITES]
)
def test_a_scoped_key_writes_nothing_outside_its_department(
    client: TestClient, world: World, session: Session, method: str, path: str, perm: Perm
) -> None:
    before = _state(session, world)
    body = _fill(DEPARTMENT_WRITES.get((method, path), {"name": MARK}), world)
    for role in sorted(PERMISSIONS[perm]):
        response = client.request(
            method, _url(path, world), json=body, headers=_headers(world, role)
        )
        assert response.status_code < 500, f"{role} {method} {path}: {response.text}"
        if SCOPES[perm] is Scope.UNSCOPED_ONLY:
            # Refused before anything runs, whatever the body says.
            assert response.status_code == 403, f"{role} {method} {path}: {response.text}"
            assert "department scope" in response.json()["detail"]
    assert _state(session, world) == before


def _own_finding(session: Session, world: World) -> Finding:
    vendor = f.vendor(session, "Own tool")
    assert vendor.id is not None
    finding = Finding(vendor_id=vendor.id, department_id=world.own_department_id)
    session.add(finding)
    session.commit()
    return finding


def test_a_scoped_key_decides_its_own_departments_finding(
    client: TestClient, world: World, session: Session
) -> None:
    # The control: the refusals above are about the department, not every scoped write.
    finding = _own_finding(session, world)
    response = client.post(
        f"/api/v1/findings/{finding.id}/decision",
        json={"decision": "approve"},
        headers=_headers(world, Role.IT),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "approved"


@pytest.mark.parametrize(
    "body",
    [{"decision": "approve", "scope": "company"}, {"decision": "dismiss", "not_software": True}],
    ids=["company-wide-approval", "dismiss-writes-rules"],
)
def test_a_scoped_decision_never_reaches_past_its_department(
    client: TestClient, world: World, session: Session, body: dict[str, Any]
) -> None:
    finding = _own_finding(session, world)
    before = _state(session, world)
    response = client.post(
        f"/api/v1/findings/{finding.id}/decision", json=body, headers=_headers(world, Role.IT)
    )
    assert response.status_code == 403, response.text
    assert _state(session, world) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/redundancy"), ("POST", "/candidates/decision")],
    ids=["redundancy-page", "candidate-decision"],
)
def test_the_dashboard_refuses_a_scoped_key_what_the_api_does(
    client: TestClient, world: World, session: Session, method: str, path: str
) -> None:
    # The dashboard checked the role alone: a scoped admin saw every department's redundancy
    # and could confirm candidates (which writes the catalog and rules for everyone).
    from app.auth import cookie as web_session
    from app.models import ApiKey

    prefix = "_".join(world.keys[Role.ADMIN].split("_")[:2])
    key = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).one()
    assert key.id is not None
    token = web_session.start(session, key.id)
    session.commit()
    client.cookies.set(web_session.SESSION_COOKIE, token)
    before = _state(session, world)
    form = {"name": "Shared tool", "decision": "reject"}
    form["csrf_token"] = web_session.csrf_token_for(token)
    response = client.request(method, path, data=form if method == "POST" else None)
    assert response.status_code == 403, response.text[:300]
    assert "department scope" in response.text
    assert _state(session, world) == before
