"""The scheduler: APScheduler 3 drives our own state (bookmarks, runs, leases live in our
tables, not in APScheduler's job store).

One per deployment: embedded in ``serve`` for a single process, or its own process
(``shadowspend scheduler``) when the API runs several workers. A second scheduler is harmless:
the per-connection lease makes it skip what the first is running.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlmodel import Session

from app.connections import sync
from app.db import get_engine, unit_of_work, utcnow
from app.findings import engine as findings_engine
from app.findings import service as findings_service
from app.fx import ecb
from app.fx import service as fx_service
from app.insights import service as insights_service
from app.jobs.runner import reap_stale

# Opens one unit of work (a test hands in its own session).
UnitOfWork = Callable[[], AbstractContextManager[Session]]
log = logging.getLogger("shadowspend.scheduler")
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def dispatch_due() -> int:
    """Sync every due connection once; returns how many ran. Also closes background jobs
    and import runs whose process died (see app.jobs.runner.reap_stale)."""
    engine = get_engine()
    with unit_of_work(engine) as session:
        reap_stale(session)
        due = sync.due_connections(session, utcnow())
    ran = 0
    for connection_id in due:
        try:
            sync.run_sync(engine, connection_id, trigger="schedule")
            ran += 1
        except sync.LeaseHeld:
            continue
        except Exception:
            log.exception("scheduled sync of connection %s failed to start", connection_id)
    return ran


def daily_housekeeping(work: UnitOfWork = unit_of_work) -> None:
    """Wake snoozed findings, re-read the findings' time-based reasons, and load the ECB's
    exchange rates (converting the transactions that waited for them). Each step is its own
    unit of ``work``."""
    with work() as session:
        woke = findings_service.wake_snoozed(session)
    if woke:
        log.info("%s snoozed findings are open again", woke)
    # Some reasons expire with the calendar alone: "new vendor" (first seen within
    # new_vendor_days) and "recurring" (a subscription whose charges stopped). Nothing else
    # refreshes a finding whose transactions did not change; only changed findings are written.
    with work() as session:
        aged = findings_engine.refresh_all(session)
    if aged.updated:
        log.info("%s findings re-read as of today (time-based reasons)", aged.updated)
    try:
        with work() as session:
            fx_service.refresh_ecb_rates(session)
    except ecb.EcbUnavailable as exc:  # offline, or the ECB is down: expected, no traceback
        log.warning("ECB rate refresh failed (%s); it will be retried tomorrow", exc)
    except Exception:
        log.exception("ECB rate refresh failed; it will be retried tomorrow")


def warm_insights(work: UnitOfWork = unit_of_work) -> None:
    """Keep this process's subscriptions and redundancy answers current (see
    app.insights.service.warm): with the embedded scheduler, the process that serves the
    dashboard."""
    with work() as session:
        insights_service.warm(session)


def _add_jobs(scheduler: Any, interval_seconds: int, *, embedded: bool) -> None:
    scheduler.add_job(
        dispatch_due, "interval", seconds=interval_seconds, id="dispatch", **JOB_DEFAULTS
    )
    if embedded:  # a scheduler process of its own serves no dashboard
        scheduler.add_job(
            warm_insights, "interval", seconds=interval_seconds, id="warm", **JOB_DEFAULTS
        )
    scheduler.add_job(
        daily_housekeeping, "cron", hour=5, minute=17, id="housekeeping", **JOB_DEFAULTS
    )


def start_background(interval_seconds: int = 60) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_jobs(scheduler, interval_seconds, embedded=True)
    scheduler.start()
    log.info("embedded scheduler started")
    return scheduler


def run_forever(interval_seconds: int = 60) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, interval_seconds, embedded=False)
    log.info("scheduler running; Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
