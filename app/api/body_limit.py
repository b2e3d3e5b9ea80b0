"""Request bodies are capped while they stream, and anonymous ones are not read at all.

Pure ASGI, in front of every route (API and dashboard):

* a body larger than :data:`MAX_BODY_BYTES` is refused with 413 before a byte of it is read
  when ``Content-Length`` says so, and as soon as the count passes the cap otherwise (chunked
  uploads, or a client that under-declares): nothing past the cap reaches a parser, a
  temporary file or memory;
* a request under ``/api/v1/`` that carries a body but no credential at all (no
  ``Authorization`` header, no dashboard session cookie) is answered 401 without reading it;
  one with a credential is authorised for its route (the key or session, the route's
  permission, a department scope, a cookie's CSRF token) from its headers, and a refusal is
  answered without reading it either (:mod:`app.api.authorise_first`);
* more generally, each of the ``gates`` it is given is asked when a body is first pulled
  (the router has chosen the route by then, ``scope["route"]``, and nothing of the body is
  read): the first to answer a response has it sent, and the body stays unread. The API's
  gate is :func:`~app.api.authorise_first.authorise`; the console's sends a form posted
  without a live session to sign-in (``app.dashboard.signin_first``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.authorise_first import authorise
from app.api.problems import problem

MAX_BODY_BYTES = 50 * 1024 * 1024  # the documented upload limit; every body shares it
_API_PREFIX = "/api/v1/"
_SESSION_COOKIE = b"ss_session="


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the streamed body passes the cap (re-raised as it is by
    FastAPI's body reading, rendered as problem+json by the HTTP error handler)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit // (1024 * 1024)} MB")


# Asked before a request's body is read, once its route is chosen: a response to send instead
# (the body is then never read), or None to go on.
Gate = Callable[[Scope], Awaitable[Response | None]]


class BodyLimitMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = MAX_BODY_BYTES,
        gates: Sequence[Gate] = (authorise,),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.gates = tuple(gates)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        try:
            length = int(declared) if declared is not None else None
        except ValueError:
            await _refuse(scope, send, 400, "Bad request", "Content-Length is not a number")
            return
        has_body = chunked or bool(length)
        if has_body and scope["path"].startswith(_API_PREFIX) and not _has_credential(headers):
            await _refuse(
                scope, send, 401, "Unauthorized", "send an API key as `Authorization: Bearer <key>`"
            )
            return
        if length is not None and length > self.max_bytes:
            await _refuse(
                scope, send, 413, "Payload too large", BodyTooLarge(self.max_bytes).detail
            )
            return

        received = 0
        started = refused = False
        # The gates are asked when the body is first pulled (the route is chosen by then),
        # before a byte of it is read: see app.api.authorise_first.
        unchecked = has_body and bool(self.gates)
        if unchecked:
            scope.setdefault("state", {})  # shared with the route's request: the principal

        async def counted() -> Message:
            nonlocal received, unchecked, refused, started
            if unchecked:
                unchecked = False
                refusal = await self._ask_gates(scope)
                if refusal is not None:
                    # Answered here; the route sees a client that went away (and what it
                    # answers to that is dropped by ``watched``).
                    started = refused = True
                    await refusal(scope, _no_body, send)
                    return {"type": "http.disconnect"}
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as exc:
            if started:
                raise
            await _refuse(scope, send, 413, "Payload too large", exc.detail)
        except Exception:
            if not refused:
                raise
            # The route failed on the body it was refused (answered already): nothing to add.

    async def _ask_gates(self, scope: Scope) -> Response | None:
        for gate in self.gates:
            answer = await gate(scope)
            if answer is not None:
                return answer
        return None


async def _refuse(scope: Scope, send: Send, status: int, title: str, detail: str) -> None:
    """Answer without reading the body; the client is asked to close (its body is unread)."""
    response = problem(
        status,
        title,
        detail,
        request=Request(scope),
        type_slug={401: "unauthorized", 413: "payload-too-large"}.get(status, "bad-request"),
        headers={
            "Connection": "close",
            **({"WWW-Authenticate": "Bearer"} if status == 401 else {}),
        },
    )
    await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


def _has_credential(headers: Headers) -> bool:
    if headers.get("authorization"):
        return True
    return _SESSION_COOKIE in headers.get("cookie", "").encode("latin-1")
