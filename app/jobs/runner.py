"""Run long work (large imports, re-classification) off the request, with progress in `jobs`.

The request creates a queued Job row and commits; the runner executes the work in a thread
with its own session and unit of work, writing progress at most twice a second.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.db import get_engine, utcnow
from app.errors import NotFound
from app.models import Job, JobStatus

log = logging.getLogger("shadowspend.jobs")


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
        return self._pool().submit(self.run, job_id, fn)

    def run(self, job_id: int, fn: JobFn) -> None:
        reporter = Reporter(self, job_id)
        with self.session_factory() as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            job.status = JobStatus.RUNNING
            job.started_at = utcnow()
            session.add(job)
            session.commit()
        try:
            with self.session_factory() as session:
                result = fn(session, reporter)
                session.commit()
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
            job.error = error
            job.finished_at = utcnow()
            if status is JobStatus.SUCCEEDED and job.total is not None:
                job.progress = job.total
            session.add(job)
            session.commit()

    def shutdown(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None


runner = JobRunner()


def create(
    session: Session, kind: str, *, params: dict[str, Any] | None = None, key_id: int | None = None
) -> Job:
    job = Job(kind=kind, params=params or {}, created_by_key_id=key_id)
    session.add(job)
    session.flush()
    return job


def active(session: Session, kind: str) -> Job | None:
    """A queued or running job of this kind (started within the last day), if any."""
    from datetime import timedelta

    from sqlmodel import col, select

    since = utcnow() - timedelta(days=1)
    return session.exec(
        select(Job).where(
            Job.kind == kind,
            col(Job.status).in_([JobStatus.QUEUED, JobStatus.RUNNING]),
            col(Job.created_at) >= since,
        )
    ).first()


def get(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} does not exist")
    return job
