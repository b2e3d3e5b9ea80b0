"""Shared fixtures: the schema comes from the real migrations, once per backend per session;
each test runs inside a transaction that is rolled back (savepoint recipe)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

# Settings are read once per process: fix them before anything imports app.config.
os.environ.setdefault("SHADOWSPEND_SECRET_KEY", Fernet.generate_key().decode())
os.environ.setdefault("SHADOWSPEND_LOG_LEVEL", "WARNING")
os.environ["SHADOWSPEND_SCHEDULER_MODE"] = "off"
# Tests talk only to loopback: nothing listens on port 9.
os.environ["SHADOWSPEND_ECB_BASE_URL"] = "http://127.0.0.1:9/eurofxref/"

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from app import db, migrate
from app.api.deps import get_read_session, get_session
from app.main import create_app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POSTGRES_URL = os.environ.get("SHADOWSPEND_TEST_POSTGRES_URL")

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def shared_path(*parts: str) -> Path:
    """A file under ../shared, skipping the test when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared absent)")
    return path


def _postgres_database(url: str) -> tuple[str, Engine]:
    """Create a throwaway database next to the configured one; returns its URL and an admin
    engine to drop it with."""
    base = make_url(url)
    name = f"shadowspend_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return base.set(database=name).render_as_string(hide_password=False), admin


def _drop_postgres(admin: Engine, url: str) -> None:
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def empty_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A factory-like fixture used by migration tests: a brand-new empty database URL."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgres":
        if not POSTGRES_URL:
            pytest.skip("SHADOWSPEND_TEST_POSTGRES_URL is not set")
        url, admin = _postgres_database(POSTGRES_URL)
        yield url
        _drop_postgres(admin, url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'empty.db'}"


@contextmanager
def migrated_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A throwaway database on ``backend`` at the latest revision with the built-in catalog
    loaded (committed), dropped afterwards."""
    admin = None
    if backend == "postgres":
        if not POSTGRES_URL:
            pytest.skip("SHADOWSPEND_TEST_POSTGRES_URL is not set")
        url, admin = _postgres_database(POSTGRES_URL)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    eng = db.make_engine(url)
    try:
        migrate.upgrade(eng)
        from app.classification.service import sync_builtin_catalog

        with Session(eng) as s:
            sync_builtin_catalog(s)
            s.commit()
        yield eng
    finally:
        eng.dispose()
        if admin is not None:
            _drop_postgres(admin, url)


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    # The built-in catalog is part of every test's starting state (loaded once, committed).
    with migrated_engine(request.param, tmp_path_factory) as eng:
        db.set_engine(eng)
        yield eng
        db.set_engine(None)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    from app.insights import service as insights_service

    # Every test rolls back, so counters behind cache keys repeat from test to test.
    insights_service.clear_cache()
    connection = engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    db.set_engine(engine)
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def inline_jobs(session: Session) -> Iterator[None]:
    """Background jobs run in the test's thread, inside the test's transaction."""
    from contextlib import contextmanager

    from app.jobs.runner import runner

    @contextmanager
    def factory() -> Iterator[Session]:
        yield session

    saved = runner.session_factory, runner.inline
    runner.session_factory, runner.inline = factory, True
    yield
    runner.session_factory, runner.inline = saved


@pytest.fixture
def app(session: Session, inline_jobs: None) -> Iterator[object]:
    from app.api import cache

    cache.clear()
    application = create_app()
    application.dependency_overrides[get_session] = lambda: session
    application.dependency_overrides[get_read_session] = lambda: session
    yield application
    application.dependency_overrides.clear()


@pytest.fixture
def client(app: object) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:  # type: ignore[arg-type]
        yield c


@pytest.fixture
def keys(session: Session) -> object:
    from tests.factories import make_keys

    return make_keys(session)


@dataclass
class Demo:
    """The demo company in a database of its own, served by the app: ``headers`` holds an IT
    key's, ``admin`` an admin key's."""

    engine: Engine
    client: TestClient
    headers: dict[str, str]
    admin: dict[str, str]


@pytest.fixture(scope="module", params=BACKENDS)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """Loaded once per module and backend (the loader commits, so it cannot live in the
    rolled-back test session); tests that share it decide on vendors of their own."""
    from app.api import cache
    from app.api_keys import service as api_keys_service
    from app.demo.loader import load_demo
    from app.models import Role

    with migrated_engine(request.param, tmp_path_factory) as eng:
        load_demo(eng)
        with Session(eng) as s:
            keys = {
                role: api_keys_service.create_key(s, name=f"{role} lead", role=role)[1]
                for role in (Role.IT, Role.ADMIN)
            }
            s.commit()
        saved = db._engine
        db.set_engine(eng)
        cache.clear()
        try:
            with TestClient(create_app(), raise_server_exceptions=False) as client:
                yield Demo(
                    eng,
                    client,
                    {"Authorization": f"Bearer {keys[Role.IT]}"},
                    {"Authorization": f"Bearer {keys[Role.ADMIN]}"},
                )
        finally:
            db.set_engine(saved)
