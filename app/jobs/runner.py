"""Run long work (large imports, re-classification) off the request, with progress in `jobs`.

The request creates a queued Job row and commits; the runner executes the work in a thread
with its own session and unit of work, writing progress at most twice a second.

Jobs live in the threads of the process that accepted them. While it holds any, a heartbeat
thread stamps their ``heartbeat_at`` every :data:`HEARTBEAT_SECONDS`; a queued or running job
whose heartbeat (or start) is older than :data:`STALE_AFTER` belongs to a process that died, and
:func:`reap_stale` closes it as failed, so a client polling it gets an answer instead of
"running" forever.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, type_coerce, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlmodel import Session, col, select

from app import redact
from app.auth.principal import Principal
from app.db import UTCDateTime, get_engine, utcnow
from app.errors import AppError, NotFound
from app.models import Job, JobStatus, SyncRun, SyncRunStatus

log = logging.getLogger("shadowspend.jobs")

HEARTBEAT_SECONDS = 15.0
# Long enough that a heartbeat waiting on SQLite's write lock (busy_timeout 30 s) behind a
# long commit is not mistaken for a dead process; short enough that a poller learns soon.
STALE_AFTER = timedelta(minutes=3)
INTERRUPTED = (
    "interrupted: the process running this {what} stopped before it finished (no heartbeat since "
    "{since}); rows already committed stay, and running it again adds only what is missing"
)
_ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Reporter:
    """Progress reporting for one job; throttled so a tight loop does not hammer the DB."""

    def __init__(self, runner: JobRunner, job_id: int, *, every: float = 0.5) -> None:
        self._runner = runner
        self.job_id = job_id
        self._every = every
        self._last = 0.0

    def __call__(
        self,
        done: int,
        total: int | None = None,
        message: str | None = None,
        *,
        force: bool = False,
    ) -> None:
        now = time.monotonic()
        if not force and now - self._last < self._every:
            return
        self._last = now
        try:
            with self._runner.session_factory() as session:
                job = session.get(Job, self.job_id)
                if job is None:
                    return
                job.progress = done
                job.heartbeat_at = utcnow()
                if total is not None:
                    job.total = total
                if message is not None:
                    job.message = message[:500]
                session.add(job)
                session.commit()
        except OperationalError:
            log.warning("job %s: progress not recorded (database busy)", self.job_id)


JobFn = Callable[[Session, Reporter], dict[str, Any]]


@contextmanager
def _default_session() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


class JobRunner:
    def __init__(self, max_workers: int = 2) -> None:
        self.session_factory: Callable[[], AbstractContextManager[Session]] = _default_session
        self.inline = False  # tests run jobs in the calling thread
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self._max_workers = max_workers
        self._live: set[int] = set()  # queued or running in this process
        self._beating: threading.Thread | None = None
        self._stop = threading.Event()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self._max_workers, thread_name_prefix="shadowspend-job"
                )
            return self._executor

    def submit(self, job_id: int, fn: JobFn) -> Future[None] | None:
        if self.inline:
            self.run(job_id, fn)
            return None
        with self._lock:
            self._live.add(job_id)
            if self._beating is None or not self._beating.is_alive() or self._stop.is_set():
                self._stop.clear()
                self._beating = threading.Thread(
                    target=self._heartbeat_loop, name="shadowspend-job-heartbeat", daemon=True
                )
                self._beating.start()
        return self._pool().submit(self.run, job_id, fn)

    def live(self) -> set[int]:
        with self._lock:
            return set(self._live)

    def beat(self) -> int:
        """Stamp the heartbeat of this process's queued and running jobs; returns how many."""
        ids = self.live()
        if not ids:
            return 0
        try:
            with self.session_factory() as session:
                result = session.execute(
                    update(Job)
                    .where(col(Job.id).in_(ids), col(Job.status).in_(_ACTIVE))
                    .values(heartbeat_at=utcnow())
                )
                session.commit()
        except SQLAlchemyError:
            log.warning("job heartbeat not recorded (database busy); retrying", exc_info=True)
            return 0
        return int(getattr(result, "rowcount", 0) or 0)

    def _heartbeat_loop(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            self.beat()

    def run(self, job_id: int, fn: JobFn) -> None:
        try:
            self._run(job_id, fn)
        finally:
            with self._lock:
                self._live.discard(job_id)

    def _run(self, job_id: int, fn: JobFn) -> None:
        reporter = Reporter(self, job_id)
        with self.session_factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            job.status = JobStatus.RUNNING
            job.started_at = job.heartbeat_at = utcnow()
            session.add(job)
            session.commit()
        try:
            with self.session_factory() as session:
                result = fn(session, reporter)
                session.commit()
        except AppError as exc:
            # Expected (a rejected file, a refused config): its details are the job's result.
            log.info("job %s refused: %s", job_id, exc.detail)
            self._finish(job_id, JobStatus.FAILED, result=exc.extra or None, error=exc.detail)
            return
        except Exception as exc:
            log.exception("job %s failed", job_id)
            self._finish(job_id, JobStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}")
            return
        self._finish(job_id, JobStatus.SUCCEEDED, result=result)

    def _finish(
        self,
        job_id: int,
        status: JobStatus,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        with self.session_factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            job.status = status
            job.result = result
            job.error = redact.scrub(error) if error else None
            job.finished_at = utcnow()
            if status is JobStatus.SUCCEEDED and job.total is not None:
                job.progress = job.total
            session.add(job)
            session.commit()

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
        self._stop.set()


runner = JobRunner()


def create(
    session: Session, kind: str, *, params: dict[str, Any] | None = None, key_id: int | None = None
) -> Job:
    job = Job(kind=kind, params=params or {}, created_by_key_id=key_id)
    session.add(job)
    session.flush()
    return job


def _seen(*columns: Any) -> Any:
    """The last sign of life of a row: its heartbeat, else when it started."""
    return type_coerce(func.coalesce(*columns), UTCDateTime)


def _close_quiet(
    session: Session,
    table: type[Job] | type[SyncRun],
    seen: Any,
    alive: Any,
    now: datetime,
    what: str,
    skip: set[int] | frozenset[int] = frozenset(),
) -> list[int]:
    stale = session.execute(
        select(col(table.id), seen).where(alive, seen < now - STALE_AFTER)
    ).all()
    closed = []
    for row_id, since in stale:
        if row_id in skip:
            continue
        session.execute(
            update(table)
            .where(col(table.id) == row_id, alive)
            .values(
                status="failed",
                finished_at=now,
                error=INTERRUPTED.format(what=what, since=f"{since:%Y-%m-%d %H:%M:%S} UTC"),
            )
        )
        closed.append(row_id)
    return closed


def reap_stale(session: Session, now: datetime | None = None) -> int:
    """Close as failed the queued or running jobs, and the file-import runs, whose process
    died: no heartbeat for STALE_AFTER. (An import stamps its run at every commit, about once
    a second; API syncs are closed through their lease instead.) Reads first and writes only
    when there is something to close, so a poll does not queue for SQLite's write lock behind
    a running import. Returns how many it closed; does not commit."""
    now = now or utcnow()
    runs = _close_quiet(
        session,
        SyncRun,
        _seen(col(SyncRun.heartbeat_at), col(SyncRun.started_at)),
        and_(col(SyncRun.trigger) == "import", col(SyncRun.status) == SyncRunStatus.RUNNING),
        now,
        "import",
    )
    jobs = _close_quiet(
        session,
        Job,
        _seen(col(Job.heartbeat_at), col(Job.started_at), col(Job.created_at)),
        col(Job.status).in_(_ACTIVE),
        now,
        "job",
        # alive in this process: its heartbeat was held up, not lost
        skip=runner.live(),
    )
    if runs or jobs:
        log.warning(
            "closed as interrupted (their process stopped): jobs %s, import runs %s", jobs, runs
        )
    return len(runs) + len(jobs)


def active(session: Session, kind: str) -> Job | None:
    """A queued or running job of this kind whose process is alive, if any."""
    if reap_stale(session):
        session.commit()
    return session.exec(select(Job).where(Job.kind == kind, col(Job.status).in_(_ACTIVE))).first()


def get_for(session: Session, job_id: int, principal: Principal) -> Job:
    """The job as ``principal`` may see it. A department-scoped key sees only the jobs its own
    key started: an import's or a sync's row errors and counts span every department, so
    another caller's job is answered as missing (its existence is not confirmed either)."""
    job = get(session, job_id)
    if principal.scoped and job.created_by_key_id != principal.key_id:
        raise NotFound(f"job {job_id} does not exist")
    return job


def get(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist")
    if job.status in _ACTIVE and job.id not in runner.live() and reap_stale(session):
        session.commit()
        session.refresh(job)
    return job
