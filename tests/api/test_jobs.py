"""Background jobs and file-import runs whose process died are closed, not left running."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.api_keys import service as api_keys_service
from app.db import utcnow
from app.jobs import runner as job_runner
from app.models import Connection, Job, JobStatus, Role, SyncRun, SyncRunStatus, Transaction
from tests.factories import Keys

LONG_AGO = job_runner.STALE_AFTER + timedelta(minutes=1)


def _job(session: Session, status: JobStatus, *, quiet_for: timedelta, kind: str = "import") -> Job:
    then = utcnow() - quiet_for
    job = Job(kind=kind, status=status, created_at=then)
    if status is JobStatus.RUNNING:
        job.started_at = job.heartbeat_at = then
    session.add(job)
    session.commit()
    return job


def test_a_job_whose_process_died_is_reported_failed_as_interrupted(
    client: TestClient, keys: Keys, session: Session
) -> None:
    dead = _job(session, JobStatus.RUNNING, quiet_for=LONG_AGO)
    never_started = _job(session, JobStatus.QUEUED, quiet_for=LONG_AGO)
    alive = _job(session, JobStatus.RUNNING, quiet_for=timedelta(seconds=20))
    headers = keys.headers("it")
    for job in (dead, never_started):
        polled = client.get(f"/api/v1/jobs/{job.id}", headers=headers).json()
        assert polled["status"] == "failed", polled
        assert polled["error"].startswith("interrupted: the process running this job stopped")
        assert polled["finished_at"] is not None
    polled = client.get(f"/api/v1/jobs/{alive.id}", headers=headers).json()
    assert (polled["status"], polled["error"]) == ("running", None)


def test_a_job_alive_in_this_process_is_not_closed_though_its_heartbeat_was_held_up(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    held_up = _job(session, JobStatus.RUNNING, quiet_for=LONG_AGO)
    assert held_up.id is not None
    monkeypatch.setattr(job_runner.runner, "_live", {held_up.id})
    assert job_runner.reap_stale(session) == 0
    session.refresh(held_up)
    assert held_up.status == JobStatus.RUNNING


def test_the_heartbeat_stamps_this_process_jobs_only(
    session: Session, inline_jobs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = _job(session, JobStatus.RUNNING, quiet_for=timedelta(minutes=2))
    other = _job(session, JobStatus.RUNNING, quiet_for=timedelta(minutes=2))
    done = _job(session, JobStatus.SUCCEEDED, quiet_for=timedelta(minutes=2))
    before = other.heartbeat_at
    assert mine.id is not None
    assert done.id is not None
    monkeypatch.setattr(job_runner.runner, "_live", {mine.id, done.id})
    assert job_runner.runner.beat() == 1  # the finished one is not revived
    for job in (mine, other, done):
        session.refresh(job)
    assert mine.heartbeat_at is not None
    assert mine.heartbeat_at > utcnow() - timedelta(seconds=5)
    assert other.heartbeat_at == before
    assert done.heartbeat_at is None


def test_a_dead_reclassification_does_not_block_the_next_one(
    client: TestClient, keys: Keys, session: Session
) -> None:
    dead = _job(session, JobStatus.RUNNING, quiet_for=LONG_AGO, kind="reclassify")
    r = client.post("/api/v1/reclassify", headers=keys.headers("admin"))
    assert r.status_code == 202, r.text
    session.refresh(dead)
    assert dead.status == JobStatus.FAILED


def test_an_import_run_whose_process_died_shows_as_interrupted(
    client: TestClient, keys: Keys, session: Session
) -> None:
    conn = Connection(name="statements", connector="file")
    session.add(conn)
    session.flush()
    assert conn.id is not None
    quiet = utcnow() - LONG_AGO
    dead = SyncRun(connection_id=conn.id, trigger="import", started_at=quiet, heartbeat_at=quiet)
    alive = SyncRun(connection_id=conn.id, trigger="import", heartbeat_at=utcnow())
    session.add_all([dead, alive])
    session.commit()
    runs = client.get(f"/api/v1/connections/{conn.id}/runs", headers=keys.headers("admin"))
    by_id = {r["id"]: r for r in runs.json()["items"]}
    assert by_id[dead.id]["status"] == "failed"
    assert by_id[dead.id]["error"].startswith("interrupted: the process running this import")
    assert by_id[alive.id]["status"] == "running"


class _OwnerCommits(Session):
    """A session only its owner commits: through the ``checkpoint`` it hands the service. A
    service calling ``commit()`` itself (on any path, the failure path too) is refused."""

    _owner_committing = False

    def checkpoint(self) -> None:
        self._owner_committing = True
        try:
            self.commit()
        finally:
            self._owner_committing = False

    def commit(self) -> None:
        if not self._owner_committing:
            raise AssertionError("the service committed on its own, not through checkpoint()")
        super().commit()


def test_a_large_import_that_fails_part_way_records_its_run_as_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its run was committed as running at the first commit; the failure is recorded, and
    the rows committed before it stay (importing the file again adds only the rest)."""
    from app import db, migrate
    from app.auth.principal import SYSTEM
    from app.classification.service import sync_builtin_catalog
    from app.imports import service as import_service
    from app.ingest.service import Ingestor

    engine = db.make_engine(f"sqlite:///{tmp_path / 'import.db'}")
    migrate.upgrade(engine)
    with Session(engine) as s:
        sync_builtin_catalog(s)
        s.commit()
    monkeypatch.setattr(import_service, "COMMIT_SECONDS", 0.0)
    real = Ingestor._ingest_batch
    calls = []

    def failing(self: Ingestor, chunk: list, stats: object) -> None:
        calls.append(len(chunk))
        if len(calls) == 3:
            raise OSError("disk I/O error")
        real(self, chunk, stats)  # type: ignore[arg-type]

    monkeypatch.setattr(Ingestor, "_ingest_batch", failing)
    lines = ["Date,Description,Amount"]
    lines += [f"03/{(i % 28) + 1:02d}/2026,FIGMA INC #{i},{5 + i % 3}.00" for i in range(5_500)]
    try:
        with _OwnerCommits(engine, expire_on_commit=False) as s:
            opts = import_service.ImportOptions(filename="big.csv", preset="amex")
            connection, parsed = import_service.parse(s, "\n".join(lines).encode(), opts)
            with pytest.raises(OSError, match="disk I/O error"):
                import_service.store(s, connection, parsed, SYSTEM, checkpoint=s.checkpoint)
        with Session(engine) as s:
            run = s.exec(select(SyncRun)).one()
            stored = len(s.exec(select(Transaction.id)).all())
    finally:
        engine.dispose()
    assert run.status == SyncRunStatus.FAILED
    assert run.error is not None
    assert run.error.startswith("OSError: disk I/O error")
    assert run.finished_at is not None
    assert stored == run.inserted == 4_000  # the history shows how far it got


def test_a_running_job_keeps_stamping_its_heartbeat_from_its_own_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time
    from collections.abc import Iterator
    from contextlib import contextmanager

    from app import db, migrate

    engine = db.make_engine(f"sqlite:///{tmp_path / 'jobs.db'}")
    migrate.upgrade(engine)

    @contextmanager
    def factory() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as s:
            yield s

    runner = job_runner.JobRunner(max_workers=1)
    runner.session_factory = factory
    monkeypatch.setattr(job_runner, "HEARTBEAT_SECONDS", 0.05)
    with factory() as s:
        job_id = job_runner.create(s, "test").id
        s.commit()
    assert job_id is not None
    release = threading.Event()
    runner.submit(job_id, lambda session, report: {"released": release.wait(10)})
    try:
        beats = set()
        deadline = time.monotonic() + 10
        while len(beats) < 3 and time.monotonic() < deadline:
            with factory() as s:
                job = s.get(Job, job_id)
                assert job is not None
                if job.status == JobStatus.RUNNING and job.heartbeat_at is not None:
                    beats.add(job.heartbeat_at)
            time.sleep(0.05)
        assert len(beats) >= 3, beats  # stamped again and again while the work runs
        assert runner.live() == {job_id}
        release.set()
        runner.shutdown()
        with factory() as s:
            done = s.get(Job, job_id)
            assert done is not None
            assert (done.status, done.result) == (JobStatus.SUCCEEDED, {"released": True})
    finally:
        release.set()
        runner.shutdown()
        engine.dispose()
    assert runner.live() == set()


def test_a_large_import_asked_to_stop_commits_what_it_stored_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app import db, migrate
    from app.auth.principal import SYSTEM
    from app.classification.service import sync_builtin_catalog
    from app.imports import service as import_service

    engine = db.make_engine(f"sqlite:///{tmp_path / 'import.db'}")
    migrate.upgrade(engine)
    with Session(engine) as s:
        sync_builtin_catalog(s)
        s.commit()
    monkeypatch.setattr(import_service, "COMMIT_SECONDS", 3600.0)  # only the stop commits
    lines = ["Date,Description,Amount"]
    lines += [f"03/{(i % 28) + 1:02d}/2026,FIGMA INC #{i},{5 + i % 3}.00" for i in range(5_500)]
    data = "\n".join(lines).encode()
    asked = iter([False, True])
    try:
        with _OwnerCommits(engine, expire_on_commit=False) as s:
            opts = import_service.ImportOptions(filename="big.csv", preset="amex")
            connection, parsed = import_service.parse(s, data, opts)
            with pytest.raises(import_service.ImportStopped) as stopped:
                import_service.store(
                    s,
                    connection,
                    parsed,
                    SYSTEM,
                    checkpoint=s.checkpoint,
                    stop_requested=lambda: next(asked),
                )
        assert stopped.value.counts == {
            "rows": 5_500,
            "processed": 4_000,
            "inserted": 4_000,
            "updated": 0,
            "duplicates": 0,
        }
        with Session(engine) as s:
            run = s.exec(select(SyncRun)).one()
            assert len(s.exec(select(Transaction.id)).all()) == run.inserted == 4_000
        assert run.status == SyncRunStatus.FAILED
        assert run.error == str(stopped.value)
        assert run.error.startswith("stopped on request after 4,000 of 5,500 rows")
        with Session(engine, expire_on_commit=False) as s:  # the same file again: the rest
            connection, parsed = import_service.parse(s, data, opts)
            again = import_service.store(s, connection, parsed, SYSTEM, checkpoint=s.commit)
            s.commit()
        assert (again["inserted"], again["duplicates"]) == (1_500, 4_000)
    finally:
        engine.dispose()


def test_a_department_scoped_key_reads_only_the_jobs_it_started(
    client: TestClient, keys: Keys, session: Session
) -> None:
    # An import's job carries row errors and counts from every department: a key scoped to
    # one department must not read another caller's job (nor learn that it exists).
    key, clear = api_keys_service.create_key(
        session, name="scoped it", role=Role.IT, department_id=keys.marketing_department_id
    )
    others = _job(session, JobStatus.SUCCEEDED, quiet_for=timedelta(seconds=1))
    own = Job(kind="import", status=JobStatus.SUCCEEDED, created_by_key_id=key.id)
    session.add(own)
    session.commit()
    scoped = {"Authorization": f"Bearer {clear}"}
    refused = client.get(f"/api/v1/jobs/{others.id}", headers=scoped)
    missing = client.get("/api/v1/jobs/999999", headers=scoped)
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["detail"] == f"job {others.id} does not exist"
    assert client.get(f"/api/v1/jobs/{own.id}", headers=scoped).status_code == 200
    assert client.get(f"/api/v1/jobs/{others.id}", headers=keys.headers("it")).status_code == 200
