"""`shadowspend migrate`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from app import migrate as migrations
from app.classification.service import sync_builtin_catalog
from app.db import unit_of_work
from app.findings import engine as findings_engine


@dataclass(frozen=True, kw_only=True, slots=True)
class Migrated:
    before: str | None
    after: str | None
    at_head: bool
    # the built-in catalog, synced once at the latest revision (None below it)
    vendors_added: int = 0
    vendors_refreshed: int = 0
    vendors_kept_as_edited: int = 0
    findings_reread: bool = False


def migrate(engine: Engine, revision: str = "head") -> Migrated:
    """Bring the database to ``revision``; at the latest one, sync the built-in catalog and
    re-read findings stored before their reasons were data."""
    before = migrations.current_revision(engine)
    migrations.upgrade(engine, revision)
    after = migrations.current_revision(engine)
    if after != migrations.head_revision():
        return Migrated(before=before, after=after, at_head=False)
    with unit_of_work(engine) as session:
        result = sync_builtin_catalog(session)
    with unit_of_work(engine) as session:
        reread = findings_engine.reread_legacy(session)
    return Migrated(
        before=before,
        after=after,
        at_head=True,
        vendors_added=result.inserted,
        vendors_refreshed=result.updated,
        vendors_kept_as_edited=result.kept_edited,
        findings_reread=bool(reread),
    )
