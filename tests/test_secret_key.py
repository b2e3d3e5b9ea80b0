"""The service's secret key: refused at start unless it is a random Fernet key, and never used
directly (issue #14: ``password``, ``hunter2`` or ``dGVzdA==`` started the server; the session
HMAC was keyed by the raw key)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlmodel import Session

from app import crypto, keys
from app.auth import cookie as web_session
from app.config import ConfigError, Settings, check_secret_key, get_settings
from app.main import create_app
from app.models import Connection
from tests.test_cli import run

WEAK = [
    "password",
    "hunter2",
    "dGVzdA==",  # base64 of "test": 4 bytes
    "change-me",
    base64.urlsafe_b64encode(b"A" * 32).decode(),  # a Fernet key in form, not in randomness
    base64.urlsafe_b64encode(b"correct horse battery staple!!!!").decode(),
    "U37QH4mi87NnVX1Gx2yqOXMZujDC7IuZ1BgQ3aY6xY!=",  # not base64
]


@pytest.mark.parametrize("value", WEAK)
def test_weak_keys_are_refused_with_what_to_do(value: str) -> None:
    with pytest.raises(ConfigError, match="generate-secret-key"):
        check_secret_key(value, source="SHADOWSPEND_SECRET_KEY")


def test_random_keys_pass() -> None:
    for _ in range(200):
        key = Fernet.generate_key()
        assert check_secret_key(key.decode(), source="test") == key


@pytest.mark.parametrize("value", ["hunter2", base64.urlsafe_b64encode(b"A" * 32).decode()])
@pytest.mark.parametrize(
    "database", ["postgresql+psycopg://nobody@127.0.0.1:9/nowhere", "sqlite:///./x.db"]
)
def test_serve_refuses_a_weak_key_and_exits_non_zero(
    tmp_path: Path, value: str, database: str
) -> None:
    result = run(
        ["serve"], tmp_path, SHADOWSPEND_DATABASE_URL=database, SHADOWSPEND_SECRET_KEY=value
    )
    assert result.returncode != 0
    said = "".join(result.stderr.split())  # Rich wraps long lines
    assert "SHADOWSPEND_SECRET_KEY" in said
    assert "generate-secret-key" in said
    assert "Traceback" not in said


def test_a_weak_key_file_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("hunter2\n")
    result = run(["serve"], tmp_path)
    assert result.returncode != 0
    assert "secret.keyisnotaFernetkey" in "".join(result.stderr.split())


def test_the_app_refuses_to_start_with_a_weak_key(monkeypatch: pytest.MonkeyPatch) -> None:
    weak = Settings(secret_key="hunter2", database_url="postgresql+psycopg://x@127.0.0.1:9/x")  # type: ignore[arg-type]
    monkeypatch.setattr("app.main.get_settings", lambda: weak)
    with pytest.raises(ConfigError), TestClient(create_app()):
        pass


def test_each_use_has_its_own_derived_key() -> None:
    master = get_settings().resolve_secret_key()
    derived = {keys.derive(master, purpose) for purpose in keys.Purpose}
    assert len(derived) == len(keys.Purpose)
    assert master not in derived
    assert base64.urlsafe_b64decode(master) not in derived
    # CSRF tokens are not an HMAC under the raw key (a guessed key forged sessions).
    raw_mac = hmac.new(master, b"token", hashlib.sha256).digest()
    assert web_session.csrf_token_for("token") != (
        base64.urlsafe_b64encode(raw_mac).decode().rstrip("=")
    )
    # Connector secrets are encrypted under the derived key, not the raw one.
    stored = crypto.encrypt_secrets({"secret": "s"})
    assert Fernet(keys.fernet_key(master)).decrypt(stored.encode())


def test_secrets_stored_before_derivation_stay_readable() -> None:
    master = get_settings().resolve_secret_key()
    legacy = Fernet(master).encrypt(json.dumps({"secret": "old"}).encode()).decode()
    assert crypto.decrypt_secrets(legacy) == {"secret": "old"}


def test_rotation_reencrypts_under_the_new_key(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = get_settings().resolve_secret_key()
    row = Connection(name="rotating", connector="plaid", config={})
    row.secrets_encrypted = crypto.encrypt_secrets({"secret": "keep-me"})
    session.add(row)
    session.flush()
    new = Fernet.generate_key()

    def settings(previous: bytes | None) -> Settings:
        return Settings(
            secret_key=new.decode(),  # type: ignore[arg-type]
            previous_secret_keys=previous.decode() if previous else None,  # type: ignore[arg-type]
        )

    from app.connections import connector as connector_mod
    from app.connections import service as connection_service

    try:
        monkeypatch.setattr("app.crypto.get_settings", lambda: settings(old))
        crypto.reset_cache()
        assert connector_mod.secrets_of(row) == {"secret": "keep-me"}
        assert connection_service.reencrypt_all(session) >= 1
        monkeypatch.setattr("app.crypto.get_settings", lambda: settings(None))
        crypto.reset_cache()
        assert connector_mod.secrets_of(row) == {"secret": "keep-me"}  # old key dropped
    finally:
        monkeypatch.undo()
        crypto.reset_cache()
