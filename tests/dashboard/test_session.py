"""The session token on its own: signed, expiring, never carrying the key."""

from __future__ import annotations

import time

from app.dashboard import session as web_session


def test_token_round_trip() -> None:
    token = web_session.issue_token(42)
    assert web_session.verify_token(token) == 42


def test_token_expires_after_eight_hours() -> None:
    now = time.time()
    token = web_session.issue_token(7, now=now)
    assert web_session.verify_token(token, now=now + 8 * 3600 - 5) == 7
    assert web_session.verify_token(token, now=now + 8 * 3600) is None


def test_tampered_or_malformed_tokens_are_refused() -> None:
    token = web_session.issue_token(7)
    key_id, expires, nonce, signature = token.split(".")
    assert web_session.verify_token(f"8.{expires}.{nonce}.{signature}") is None
    assert web_session.verify_token(f"{key_id}.{int(expires) + 3600}.{nonce}.{signature}") is None
    assert web_session.verify_token(f"{key_id}.{expires}.{nonce}.{signature[:-2]}AA") is None
    for junk in ("", "7", "a.b.c.d", "7.1.2", token + ".x"):
        assert web_session.verify_token(junk) is None


def test_csrf_token_is_bound_to_the_session() -> None:
    a, b = web_session.issue_token(1), web_session.issue_token(1)
    assert web_session.csrf_token_for(a) == web_session.csrf_token_for(a)
    assert web_session.csrf_token_for(a) != web_session.csrf_token_for(b)
