"""Dashboard sign-in: a signed session cookie standing in for the API key, and CSRF defence.

The browser signs in once with an API key (``POST /login``); the key itself is never stored in
the browser. Instead ``ss_session`` carries ``<key id>.<expiry>.<nonce>.<signature>``:

- the signature is HMAC-SHA256 under the session key derived from the service secret
  (:mod:`app.keys`), so the cookie cannot be forged or edited;
- the expiry is a Unix time (UTC seconds) :data:`SESSION_TTL` after sign-in;
- the key is looked up on every request, so revoking it ends its dashboard sessions at once.

The cookie is HttpOnly, ``SameSite=Strict``, ``Path=/`` and ``Secure`` whenever the request
arrived over https. On top of SameSite, every state-changing request authenticated by the
cookie (any method but GET/HEAD/OPTIONS, on ``/api/v1/*`` or a dashboard form) must echo the
session's CSRF token in the ``X-CSRF-Token`` header or a ``csrf_token`` form field (the form
routes hand it over through :func:`principal_from_cookie`'s ``form_token``). The token is an
HMAC of the session cookie, so a cookie planted by a sibling subdomain cannot satisfy it; it is
also sent as the readable ``ss_csrf`` cookie (double-submit) for scripts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from datetime import timedelta
from urllib.parse import urlsplit

from fastapi import Request, Response
from sqlmodel import Session

from app import keys
from app.auth.service import Principal
from app.errors import Forbidden
from app.models import ApiKey, Role

SESSION_COOKIE = "ss_session"
CSRF_COOKIE = "ss_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_TTL = timedelta(hours=8)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def _mac(purpose: keys.Purpose, message: str) -> str:
    # Each use has its own derived key (never the secret key itself): a leaked cookie
    # signature or CSRF token says nothing about the key or about the other use.
    digest = hmac.new(keys.current(purpose), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def issue_token(key_id: int, *, now: float | None = None) -> str:
    """A new session token for ``key_id`` that expires :data:`SESSION_TTL` from ``now``
    (Unix seconds; defaults to the current time)."""
    issued = time.time() if now is None else now
    expires = int(issued + SESSION_TTL.total_seconds())
    body = f"{key_id}.{expires}.{secrets.token_urlsafe(12)}"
    return f"{body}.{_mac(keys.Purpose.SESSION, body)}"


def verify_token(token: str, *, now: float | None = None) -> int | None:
    """The key id a valid, unexpired token carries; None for anything else (never raises)."""
    parts = token.split(".")
    if len(parts) != 4:
        return None
    body, signature = ".".join(parts[:3]), parts[3]
    if not hmac.compare_digest(signature, _mac(keys.Purpose.SESSION, body)):
        return None
    try:
        key_id, expires = int(parts[0]), int(parts[1])
    except ValueError:
        return None
    current = time.time() if now is None else now
    if expires <= current:
        return None
    return key_id


def csrf_token_for(session_token: str) -> str:
    """The CSRF token bound to one session token."""
    return _mac(keys.Purpose.CSRF, session_token)


def csrf_token(request: Request) -> str | None:
    """The CSRF token of the request's session, or None without a session cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    return csrf_token_for(token) if token else None


def principal_from_cookie(
    request: Request, session: Session, *, form_token: str | None = None
) -> Principal | None:
    """The principal of a valid session cookie, or None (no cookie, bad signature, expired,
    unknown or revoked key).

    For a state-changing method the session's CSRF token must arrive in the ``X-CSRF-Token``
    header or as ``form_token``; raises :class:`~app.errors.Forbidden` when it does not.
    """
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    key_id = verify_token(token)
    if key_id is None:
        return None
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None or row.id is None:
        return None
    if request.method.upper() not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or form_token
        if not sent or not hmac.compare_digest(sent, csrf_token_for(token)):
            raise Forbidden(
                f"a request signed in by cookie must send the session's CSRF token in the "
                f"{CSRF_HEADER} header (it is in the {CSRF_COOKIE} cookie)"
            )
    return Principal(
        key_id=row.id, name=row.name, role=Role(row.role), department_id=row.department_id
    )


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(response: Response, request: Request, key_id: int) -> str:
    """Sign ``key_id`` in: set the session cookie and its CSRF cookie; returns the CSRF token."""
    token = issue_token(key_id)
    max_age = int(SESSION_TTL.total_seconds())
    secure = _secure(request)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    csrf = csrf_token_for(token)
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, path="/", samesite="strict", secure=secure
    )
    return csrf


def set_login_csrf(response: Response, request: Request, value: str) -> None:
    """The pre-sign-in double-submit token the login form echoes (no session exists yet)."""
    response.set_cookie(
        CSRF_COOKIE,
        value,
        max_age=3600,
        path="/",
        samesite="strict",
        secure=_secure(request),
    )


def clear_session(response: Response, request: Request) -> None:
    secure = _secure(request)
    for name, http_only in ((SESSION_COOKIE, True), (CSRF_COOKIE, False)):
        response.delete_cookie(name, path="/", httponly=http_only, samesite="strict", secure=secure)


def same_origin(request: Request) -> bool:
    """False when the browser says the request came from another site (``Origin``, else
    ``Referer``); True when it says nothing (non-browser clients send neither).

    Hosts (with port) are compared, not schemes: behind a proxy that terminates TLS without
    forwarding the scheme, the service sees http while the browser says https."""
    own = request.url.netloc.lower()
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return True
    if sent == "null":  # sandboxed or privacy-stripped: cannot be ours
        return False
    return urlsplit(sent).netloc.lower() == own
