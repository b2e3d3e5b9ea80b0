"""Dashboard sessions on their own: server-side, expiring, ended by signing out, never
carrying the key."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from app.auth import cookie as web_session
from app.db import utcnow
from app.models import DashboardSession
from tests.factories import Keys


def _key_id(session: Session, keys: Keys) -> int:
    from app.auth import service as auth_service

    principal = auth_service.authenticate(session, keys.admin)
    assert principal.key_id is not None
    return principal.key_id


def test_token_round_trip(session: Session, keys: Keys) -> None:
    key_id = _key_id(session, keys)
    token = web_session.start(session, key_id)
    assert web_session.key_of(session, token) == key_id
    # The token names nothing: two sessions of the same key share no structure (a token
    # that embedded the key id would share it); random tokens share at most a few characters.
    other = web_session.start(session, key_id)
    shared = next(
        (i for i, (a, b) in enumerate(zip(token, other, strict=False)) if a != b), len(token)
    )
    assert shared < 8
    assert len(token) >= 40


def test_session_expires_after_eight_hours(session: Session, keys: Keys) -> None:
    now = utcnow()
    token = web_session.start(session, _key_id(session, keys), now=now)
    assert web_session.key_of(session, token, now=now + timedelta(hours=8, seconds=-5))
    assert web_session.key_of(session, token, now=now + timedelta(hours=8)) is None


def test_ending_a_session_ends_it_at_once(session: Session, keys: Keys) -> None:
    key_id = _key_id(session, keys)
    token, other = web_session.start(session, key_id), web_session.start(session, key_id)
    web_session.end(session, token)
    assert web_session.key_of(session, token) is None
    assert web_session.key_of(session, other) == key_id  # another browser stays signed in


def test_only_a_keyed_hash_of_the_token_is_stored(session: Session, keys: Keys) -> None:
    token = web_session.start(session, _key_id(session, keys))
    stored = {row.token_hash for row in session.exec(select(DashboardSession))}
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_unknown_or_malformed_tokens_are_refused(session: Session, keys: Keys) -> None:
    token = web_session.start(session, _key_id(session, keys))
    for junk in ("", "7", token[:-1], token + "x", "x" * 5000):
        assert web_session.key_of(session, junk) is None


def test_signing_in_clears_expired_sessions(session: Session, keys: Keys) -> None:
    key_id = _key_id(session, keys)
    long_ago = utcnow() - timedelta(days=2)
    web_session.start(session, key_id, now=long_ago)
    web_session.start(session, key_id)
    rows = session.exec(select(DashboardSession)).all()
    assert [r.expires_at > utcnow() for r in rows] == [True]


def test_csrf_token_is_bound_to_the_session(session: Session, keys: Keys) -> None:
    key_id = _key_id(session, keys)
    a, b = web_session.start(session, key_id), web_session.start(session, key_id)
    assert web_session.csrf_token_for(a) == web_session.csrf_token_for(a)
    assert web_session.csrf_token_for(a) != web_session.csrf_token_for(b)
