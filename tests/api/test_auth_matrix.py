"""Every route x every role, generated from the permission table: a route without a declared
permission, or a role let through that the table does not allow, fails here."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from app.api.deps import PermissionDependency
from app.auth.permissions import PERMISSIONS, Perm
from app.main import API_PREFIX, API_ROUTERS, create_app
from app.models import Role
from tests.factories import Keys


def _permissions(route: APIRoute) -> list[Perm]:
    found: list[Perm] = []

    def walk(dependant: Any) -> None:
        call = dependant.call
        if isinstance(call, PermissionDependency):
            found.append(call.permission)
        for sub in dependant.dependencies:
            walk(sub)

    walk(route.dependant)
    return found


def _api_routes() -> list[tuple[str, str, APIRoute]]:
    out = []
    for router in API_ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute), f"unexpected route type {route!r}"
            path = API_PREFIX + route.path
            out.extend((method, path, route) for method in sorted(route.methods))
    return out


ROUTES = _api_routes()


def test_every_mounted_path_is_in_the_matrix() -> None:
    paths = {p for p in create_app().openapi()["paths"] if p.startswith(API_PREFIX)}
    assert paths == {p for _, p, _ in ROUTES}


def test_every_api_route_declares_exactly_one_permission() -> None:
    missing = [f"{m} {p}" for m, p, r in ROUTES if len(_permissions(r)) != 1]
    assert not missing, f"routes without exactly one permission: {missing}"


def test_every_permission_is_used_or_reserved() -> None:
    # A permission nobody checks is a hole in the table; keep the table honest.
    used = {perm for _, _, r in ROUTES for perm in _permissions(r)}
    assert used <= set(PERMISSIONS)


def _url(path: str, keys: Keys) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "department_id":
            return str(keys.marketing_department_id)
        return "999999"

    return re.sub(r"\{([^}]+)\}", fill, path)


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p, _ in ROUTES])
def test_role_matrix(client: TestClient, keys: Keys, method: str, path: str) -> None:
    route = next(r for m, p, r in ROUTES if m == method and p == path)
    (perm,) = _permissions(route)
    url = _url(path, keys)
    anonymous = client.request(method, url)
    assert anonymous.status_code == 401, f"{method} {path} without a key"
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    bad = client.request(method, url, headers={"Authorization": "Bearer ssk_000000000000_nope"})
    assert bad.status_code == 401
    for role in Role:
        response = client.request(method, url, headers=keys.headers(role))
        if role in PERMISSIONS[perm]:
            assert response.status_code not in (401, 403), (
                f"{role} should pass {perm} on {method} {path}: {response.text}"
            )
            # Upstream trouble (502-504) is an honest answer; a 500 is a bug.
            assert response.status_code < 500 or response.status_code in (502, 503, 504), (
                f"{role} {method} {path}: {response.text}"
            )
        else:
            assert response.status_code == 403, f"{role} must be refused {method} {path}"
            assert response.json()["status"] == 403
