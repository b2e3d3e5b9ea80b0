"""`shadowspend reclassify`, `sync` and `scheduler`: work on what is stored."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import scheduler as scheduler_mod
from app.connections import service as connection_service
from app.connections import sync as sync_mod
from app.db import unit_of_work
from app.errors import Conflict, NotFound
from app.findings import reclassify as reclassify_service
from app.findings.reclassify import ReclassifyResult
from app.models import Connection


def reclassify(
    engine: Engine, *, progress: Callable[[int, int], None] | None = None
) -> ReclassifyResult:
    """Re-run recognition over every stored transaction, in one unit of work."""
    with unit_of_work(engine) as session:
        return reclassify_service.reclassify(session, progress=progress)


def connection_id(engine: Engine, name_or_id: str) -> int:
    """The id of the connection named ``name_or_id`` (or with that id)."""
    with Session(engine) as session:
        row = connection_service.by_name(session, name_or_id)
        if row is None and name_or_id.isdigit():
            row = session.get(Connection, int(name_or_id))
        if row is None or row.id is None:
            raise NotFound(f"no connection named {name_or_id!r}")
        return row.id


def sync_now(engine: Engine, name_or_id: str) -> sync_mod.SyncOutcome:
    """Sync one API connection now; the run's outcome. A sync already running for it (its
    lease held) is refused with Conflict."""
    found = connection_id(engine, name_or_id)
    try:
        return sync_mod.run_sync(engine, found, trigger="manual")
    except sync_mod.LeaseHeld as exc:
        raise Conflict(str(exc)) from None


def run_scheduler(interval_seconds: int) -> None:
    """Look for due syncs every ``interval_seconds``, until stopped."""
    scheduler_mod.run_forever(interval_seconds)
