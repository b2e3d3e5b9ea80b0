"""Bad input is answered as problem+json, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.factories import Keys

PROBLEM = "application/problem+json"


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    r = client.get("/api/v1/nope")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["status"] == 404
    assert body["title"] == "Not Found"
    assert body["request_id"] == r.headers["x-request-id"]


def test_malformed_json(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/departments",
        content=b'{"name": ',
        headers={**keys.headers("admin"), "content-type": "application/json"},
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)
    assert r.json()["errors"]


def test_validation_error_names_the_field(client: TestClient, keys: Keys) -> None:
    r = client.post("/api/v1/departments", json={"name": ""}, headers=keys.headers("admin"))
    assert r.status_code == 422
    assert "name" in r.json()["detail"]


def test_duplicate_department_is_409(client: TestClient, keys: Keys) -> None:
    h = keys.headers("admin")
    assert client.post("/api/v1/departments", json={"name": "Sales"}, headers=h).status_code == 201
    r = client.post("/api/v1/departments", json={"name": "sales"}, headers=h)
    assert r.status_code == 409
    assert r.headers["content-type"].startswith(PROBLEM)
    assert "Sales" in r.json()["detail"]


def test_unknown_role_is_refused(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/api-keys", json={"name": "x", "role": "superuser"}, headers=keys.headers("admin")
    )
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)


def test_bad_cursor(client: TestClient, keys: Keys) -> None:
    r = client.get("/api/v1/transactions?cursor=garbage!", headers=keys.headers("admin"))
    assert r.status_code == 400
    assert r.json()["title"] == "Bad cursor"


def test_wrong_method_is_problem_json(client: TestClient, keys: Keys) -> None:
    r = client.put("/api/v1/departments", headers=keys.headers("admin"))
    assert r.status_code == 405
    assert r.headers["content-type"].startswith(PROBLEM)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/departments/99999999999999999999999",
        "/api/v1/findings?min_spend_minor=1101593645736481868780560696999936",
    ],
)
def test_out_of_range_numbers_are_422(client: TestClient, keys: Keys, url: str) -> None:
    r = client.get(url, headers=keys.headers("admin"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith(PROBLEM)


def test_unreadable_cardholder_upload_is_422(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/cardholders/upload",
        files={"file": ("x.csv", 'email,department\n"a\rb\x00'.encode("latin-1"), "text/csv")},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 422


def test_fuzzed_cardholder_upload_is_422(client: TestClient, keys: Keys) -> None:
    r = client.post(
        "/api/v1/cardholders/upload",
        files={"file": ("file", b"\xc2\xa7\xc3\x83\rq", "application/octet-stream")},
        headers=keys.headers("admin"),
    )
    assert r.status_code == 422
