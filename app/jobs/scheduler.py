"""The scheduler: APScheduler 3 drives our own state (bookmarks, runs, leases live in our
tables, not in APScheduler's job store).

One per deployment: embedded in ``serve`` for a single process, or its own process
(``shadowspend scheduler``) when the API runs several workers. A second scheduler is harmless:
the per-connection lease makes it skip what the first is running.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlmodel import Session

from app.db import get_engine, utcnow
from app.jobs import sync

log = logging.getLogger("shadowspend.scheduler")
JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 300}


def dispatch_due() -> int:
    """Sync every due connection once; returns how many ran."""
    engine = get_engine()
    with Session(engine) as session:
        due = sync.due_connections(session, utcnow())
        session.commit()
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


def daily_housekeeping() -> None:
    """Wake snoozed findings and refresh exchange rates (when the FX loader is present)."""
    from app.findings import service as findings_service

    with Session(get_engine()) as session:
        woke = findings_service.wake_snoozed(session)
        session.commit()
    if woke:
        log.info("%s snoozed findings are open again", woke)
    try:
        from app.fx import ecb
    except ImportError:
        return
    refresh = getattr(ecb, "refresh_ecb_rates", None)
    if refresh is None:
        return
    try:
        with Session(get_engine()) as session:
            refresh(session)
            session.commit()
    except Exception:
        log.exception("ECB rate refresh failed; it will be retried tomorrow")


def _add_jobs(scheduler: Any, interval_seconds: int) -> None:
    scheduler.add_job(
        dispatch_due, "interval", seconds=interval_seconds, id="dispatch", **JOB_DEFAULTS
    )
    scheduler.add_job(
        daily_housekeeping, "cron", hour=5, minute=17, id="housekeeping", **JOB_DEFAULTS
    )


def start_background(interval_seconds: int = 60) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_jobs(scheduler, interval_seconds)
    scheduler.start()
    log.info("embedded scheduler started")
    return scheduler


def run_forever(interval_seconds: int = 60) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    _add_jobs(scheduler, interval_seconds)
    log.info("scheduler running; Ctrl-C to stop")
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
