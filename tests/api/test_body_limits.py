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
from sqlmodel import Session

from app.api.body_limit import MAX_BODY_BYTES
from app.auth import cookie as web_session
from app.auth.permissions import PERMISSIONS, Perm
from app.models import ApiKey, Role
from tests.api.test_auth_matrix import ROUTES, _permissions, _url
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
    content_type: str = f"multipart/form-data; boundary={BOUNDARY}",
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
        (b"content-type", content_type.encode()),
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


def _json(size: int) -> Iterator[bytes]:
    """A JSON array of ``size`` bytes or a little more, in 1 MiB chunks."""
    yield b"["
    sent = 1
    while sent < size:
        yield b'"' + b"x" * (CHUNK - 4) + b'",'
        sent += CHUNK - 1
    yield b"0]"


JSON = "application/json"
BAD_CREDENTIALS = {
    "bad-key": {"Authorization": "Bearer ssk_000000000000_nope"},
    "not-a-key": {"Authorization": "Bearer nope"},
    "basic": {"Authorization": "Basic YWRtaW46YWRtaW4="},
    "ended-session": {"Cookie": f"{web_session.SESSION_COOKIE}=no-such-session"},
}


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_a_json_body_with_an_invalid_credential_is_refused_unread(
    app: Any, keys: Keys, method: str, path: str
) -> None:
    # Issue #14: a present but invalid credential got its body read (up to 50 MB) and parsed
    # before the 401.
    size = 8 * CHUNK
    for credential, headers in BAD_CREDENTIALS.items():
        answer = call(
            app, method, _url(path, keys), _json(size), headers=headers, content_type=JSON
        )
        assert answer.status == 401, (credential, answer.body)
        assert answer.content_type.startswith("application/problem+json")
        assert answer.json()["type"].endswith("/unauthorized")
        assert answer.read == 0, credential


def _refused_role(path_perm: Perm) -> Role | None:
    return next((r for r in Role if r not in PERMISSIONS[path_perm]), None)


REFUSED = [
    (m, p, role)
    for m, p, r in ROUTES
    if (m, p) in set(BODY_ROUTES)
    for role in [_refused_role(_permissions(r)[0])]
    if role is not None
]


@pytest.mark.parametrize(("method", "path", "role"), REFUSED)
def test_a_json_body_from_a_key_without_the_permission_is_refused_unread(
    app: Any, keys: Keys, method: str, path: str, role: Role
) -> None:
    answer = call(
        app,
        method,
        _url(path, keys),
        _json(4 * CHUNK),
        headers=keys.headers(role),
        content_type=JSON,
    )
    assert answer.status == 403, answer.body
    assert answer.read == 0


def _signed_in(session: Session, keys: Keys, role: Role) -> str:
    from sqlmodel import select

    prefix = "_".join(keys.for_role(role).split("_")[:2])
    row = session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).one()
    assert row.id is not None
    return web_session.start(session, row.id)


def test_a_cookie_write_without_its_csrf_token_is_refused_unread(
    app: Any, keys: Keys, session: Session
) -> None:
    token = _signed_in(session, keys, Role.ADMIN)
    answer = call(
        app,
        "POST",
        "/api/v1/match-rules",
        _json(4 * CHUNK),
        headers={"Cookie": f"{web_session.SESSION_COOKIE}={token}"},
        content_type=JSON,
    )
    assert answer.status == 403, answer.body
    assert "CSRF" in answer.json()["detail"]
    assert answer.read == 0


def test_a_signed_out_session_is_refused_unread(app: Any, keys: Keys, session: Session) -> None:
    token = _signed_in(session, keys, Role.ADMIN)
    web_session.end(session, token)
    answer = call(
        app,
        "POST",
        "/api/v1/match-rules",
        _json(4 * CHUNK),
        headers={
            "Cookie": f"{web_session.SESSION_COOKIE}={token}",
            web_session.CSRF_HEADER: web_session.csrf_token_for(token),
        },
        content_type=JSON,
    )
    assert answer.status == 401, answer.body
    assert answer.read == 0


@pytest.mark.parametrize("credential", ["key", "cookie"])
def test_an_authorised_body_is_read_and_served(
    app: Any, keys: Keys, session: Session, credential: str
) -> None:
    # The early check lets a good caller through, whatever the form of its credential.
    body = json.dumps({"items": [{"descriptor": f"VENDOR {i}"} for i in range(200)]}).encode()
    if credential == "key":
        headers = keys.headers("viewer")
    else:
        token = _signed_in(session, keys, Role.VIEWER)
        headers = {
            "Cookie": f"{web_session.SESSION_COOKIE}={token}",
            web_session.CSRF_HEADER: web_session.csrf_token_for(token),
        }
    answer = call(
        app,
        "POST",
        "/api/v1/classify",
        iter([body]),
        headers=headers,
        content_type=JSON,
        content_length=len(body),
    )
    assert answer.status == 200, answer.body
    assert answer.read == len(body)
    assert len(answer.json()["items"]) == 200
