"""Dashboard sign-in: a server-side session standing in for the API key, and CSRF defence.

The browser signs in once with an API key (``POST /login``); the key itself is never stored in
the browser. Instead ``ss_session`` carries a random token (256 bits) naming a row of
``dashboard_sessions``:

- only the token's HMAC-SHA256 under the session key derived from the service secret
  (:mod:`app.keys`) is stored, so the table cannot be turned back into cookies;
- the session expires :data:`SESSION_TTL` after sign-in;
- signing out deletes the row, so the cookie (and any copy of it) stops working at once;
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
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from fastapi import Request, Response
from sqlalchemy import delete
from sqlmodel import Session, col, select

from app import keys
from app.auth.principal import Principal
from app.db import utcnow
from app.errors import Forbidden
from app.models import ApiKey, DashboardSession, Role

SESSION_COOKIE = "ss_session"
CSRF_COOKIE = "ss_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_TTL = timedelta(hours=8)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_TOKEN_BYTES = 32
_MAX_TOKEN_CHARS = 128


def _mac(purpose: keys.Purpose, message: str) -> str:
    # Each use has its own derived key (never the secret key itself): a leaked cookie
    # signature or CSRF token says nothing about the key or about the other use.
    digest = hmac.new(keys.current(purpose), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _token_hash(token: str) -> str:
    # Keyed, so the table alone (a backup, a replica) cannot confirm a guessed token.
    return hmac.new(keys.current(keys.Purpose.SESSION), token.encode(), hashlib.sha256).hexdigest()


def start(session: Session, key_id: int, *, now: datetime | None = None) -> str:
    """Sign ``key_id`` in: store a session expiring :data:`SESSION_TTL` from ``now`` and return
    its token (the cookie's value). Expired sessions are cleared on the way. The caller
    commits."""
    now = now or utcnow()
    session.execute(delete(DashboardSession).where(col(DashboardSession.expires_at) <= now))
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    session.add(
        DashboardSession(
            token_hash=_token_hash(token),
            key_id=key_id,
            created_at=now,
            expires_at=now + SESSION_TTL,
        )
    )
    session.flush()
    return token


def key_of(session: Session, token: str, *, now: datetime | None = None) -> int | None:
    """The key id of a live session token; None for an unknown, ended or expired one (never
    raises)."""
    if not token or len(token) > _MAX_TOKEN_CHARS:
        return None
    row = session.exec(
        select(DashboardSession).where(DashboardSession.token_hash == _token_hash(token))
    ).first()
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return row.key_id


def signed_in_key(session: Session, token: str) -> ApiKey | None:
    """The API key a live session token stands for; None for an unknown, ended or expired
    session or a revoked key (never raises). Reads the token alone: a form route's sign-in can
    be checked before its body is read (no CSRF token yet, see :func:`principal_from_cookie`)."""
    key_id = key_of(session, token)
    if key_id is None:
        return None
    row = session.get(ApiKey, key_id)
    if row is None or row.revoked_at is not None:
        return None
    return row


def end(session: Session, token: str) -> None:
    """Sign out: the session stops working at once, wherever its cookie was copied. The
    caller commits."""
    session.execute(
        delete(DashboardSession).where(col(DashboardSession.token_hash) == _token_hash(token))
    )


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
    row = signed_in_key(session, token)
    if row is None or row.id is None:
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


def set_session(response: Response, request: Request, token: str) -> str:
    """Set the cookie of a session :func:`start` made, and its CSRF cookie; returns the CSRF
    token."""
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
