"""Bodies are capped while they stream and read only for a caller who may send them (issue #14:
a 1 GB anonymous multipart body to /api/v1/imports was written to a temporary file before the
401). Driven at the ASGI level, so the test sees how many bytes the service pulled."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.api.body_limit import MAX_BODY_BYTES
from tests.api.test_auth_matrix import ROUTES
from tests.factories import Keys

CHUNK = 1024 * 1024
BOUNDARY = "ssboundary"


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    read: int  # body bytes the service pulled from the client
    content_type: str = field(init=False)

    def __post_init__(self) -> None:
        self.content_type = self.headers.get("content-type", "")

    def json(self) -> Any:
        return json.loads(self.body)


def _multipart(size: int) -> Iterator[bytes]:
    """A multipart body whose file part is ``size`` bytes, in 1 MiB chunks."""
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    sent = 0
    while sent < size:
        part = min(CHUNK, size - sent)
        yield b"x" * part
        sent += part
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def call(
    app: Any,
    method: str,
    path: str,
    chunks: Iterator[bytes],
    *,
    headers: dict[str, str] | None = None,
    content_length: int | None = None,
) -> Answer:
    read = 0
    pending = iter(chunks)
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal read, done
        if done:
            return {"type": "http.disconnect"}
        chunk = next(pending, None)
        if chunk is None:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw_headers = [
        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
        *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items()),
    ]
    if content_length is not None:
        raw_headers.append((b"content-length", str(content_length).encode()))
    else:
        raw_headers.append((b"transfer-encoding", b"chunked"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    response_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return Answer(start["status"], body, response_headers, read)


GIGABYTE = 1024**3


def test_an_anonymous_upload_is_refused_before_a_byte_is_read(app: Any) -> None:
    answer = call(app, "POST", "/api/v1/imports", _multipart(GIGABYTE), content_length=GIGABYTE)
    assert answer.status == 401
    assert answer.content_type.startswith("application/problem+json")
    assert answer.read == 0


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_bad_key_is_refused_before_the_form_is_parsed(app: Any, declared: bool) -> None:
    size = 8 * CHUNK
    answer = call(
        app,
        "POST",
        "/api/v1/imports",
        _multipart(size),
        headers={"Authorization": "Bearer ssk_000000000000_nope"},
        content_length=size + 200 if declared else None,
    )
    assert answer.status == 401
    assert answer.read == 0


@pytest.mark.parametrize(
    "path", ["/api/v1/imports", "/api/v1/cardholders/upload", "/api/v1/fx-rates/upload"]
)
def test_a_key_without_the_permission_is_refused_before_the_form_is_parsed(
    app: Any, keys: Keys, path: str
) -> None:
    answer = call(app, "POST", path, _multipart(4 * CHUNK), headers=keys.headers("viewer"))
    assert answer.status == 403
    assert answer.read == 0


def test_a_declared_oversized_body_is_refused_unread(app: Any, keys: Keys) -> None:
    size = MAX_BODY_BYTES + 1
    answer = call(
        app,
        "POST",
        "/api/v1/imports",
        _multipart(size),
        headers=keys.headers("it"),
        content_length=size,
    )
    assert answer.status == 413
    assert answer.json()["status"] == 413
    assert answer.content_type.startswith("application/problem+json")
    assert answer.read == 0


def test_a_streamed_body_is_cut_off_at_the_cap(app: Any, keys: Keys) -> None:
    # No Content-Length (chunked): the count stops it, not the declaration.
    answer = call(
        app,
        "POST",
        "/api/v1/imports",
        _multipart(MAX_BODY_BYTES + 10 * CHUNK),
        headers=keys.headers("it"),
    )
    assert answer.status == 413
    assert answer.content_type.startswith("application/problem+json")
    assert answer.read <= MAX_BODY_BYTES + CHUNK


def test_an_under_declared_body_is_cut_off_at_the_cap(app: Any, keys: Keys) -> None:
    answer = call(
        app,
        "POST",
        "/api/v1/cardholders/upload",
        _multipart(MAX_BODY_BYTES + 10 * CHUNK),
        headers=keys.headers("it"),
        content_length=1000,
    )
    assert answer.status == 413
    assert answer.read <= MAX_BODY_BYTES + CHUNK


BODY_ROUTES = sorted({(m, p) for m, p, _ in ROUTES if m in {"POST", "PUT", "PATCH"}})


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_every_route_that_takes_a_body_refuses_an_anonymous_one_unread(
    app: Any, method: str, path: str
) -> None:
    url = path.replace("{", "").replace("}", "")  # any id: refused before routing matters
    size = 2 * CHUNK
    answer = call(app, method, url, _multipart(size), content_length=size + 200)
    assert answer.status == 401
    assert answer.read == 0
