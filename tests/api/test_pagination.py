"""Every list answers alike: ``{"items": [...], "next_cursor": ...}`` with ``limit`` and
``cursor``. Generated from the router table, so a new list cannot skip it: a GET route that
answers a bare array fails here, and every paginated one is walked page by page on the demo."""

from __future__ import annotations

import re
import typing
from typing import Any

import pytest
from fastapi.routing import APIRoute

from app.api.pagination import Page
from app.main import API_PREFIX, API_ROUTERS
from tests.conftest import Demo

pytestmark = pytest.mark.xdist_group("demo")


def _gets() -> list[tuple[str, APIRoute]]:
    return [
        (API_PREFIX + route.path, route)
        for router in API_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "GET" in route.methods
    ]


def _is_page(route: APIRoute) -> bool:
    model = route.response_model
    return isinstance(model, type) and issubclass(model, Page)


LISTS = [path for path, route in _gets() if _is_page(route)]


def test_no_list_answers_a_bare_array() -> None:
    for path, route in _gets():
        origin = typing.get_origin(route.response_model)
        assert origin not in (list, tuple, set), f"{path} answers a bare array"


def test_every_paginated_list_takes_limit_and_cursor() -> None:
    assert len(LISTS) >= 10
    for path, route in _gets():
        if _is_page(route):
            names = {p.alias for p in route.dependant.query_params}
            names |= {p.alias for d in route.dependant.dependencies for p in d.query_params}
            assert {"limit", "cursor"} <= names, path


# How to fill a list's path parameters: from the first item of another list.
PARENTS = {"connection_id": "/api/v1/connections"}


@pytest.mark.parametrize("path", LISTS)
def test_every_list_pages_alike_on_the_demo(demo: Demo, path: str) -> None:
    for name in re.findall(r"{(\w+)}", path):
        assert name in PARENTS, f"say in PARENTS how to fill {name} of {path}"
        first = demo.client.get(PARENTS[name], params={"limit": 1}, headers=demo.admin).json()
        if not first["items"]:
            pytest.skip(f"the demo has nothing under {PARENTS[name]}")
        path = path.replace(f"{{{name}}}", str(first["items"][0]["id"]))
    seen: list[Any] = []
    cursor = None
    for _ in range(3):
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = demo.client.get(path, params=params, headers=demo.admin)
        assert r.status_code == 200, (path, r.text)
        body = r.json()
        assert set(body) == {"items", "next_cursor"}, path
        assert len(body["items"]) <= 2
        seen += [repr(item) for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), f"{path} repeated an item across pages"
    bad = demo.client.get(path, params={"cursor": "not-a-cursor"}, headers=demo.admin)
    assert bad.status_code == 400, (path, bad.text)
    assert bad.headers["content-type"].startswith("application/problem+json")
