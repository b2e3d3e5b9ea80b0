"""Decorating a list: the names of the rows it points to, in one query."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select


def names_by_id(session: Session, table: Any, ids: Iterable[int | None]) -> dict[int, str]:
    """``{id: name}`` of ``table``'s rows (any table with ``id`` and ``name`` columns) for these
    ids; None ids are skipped, and no query runs when none is left."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(table.id, table.name).where(col(table.id).in_(wanted)))
    return dict(rows.all())
