"""One way to paginate every list: keyset cursors, stable under concurrent inserts.

The primitives know no web framework: services and the dashboard call them with a
:class:`PageParams`; :mod:`app.api.pagination` reads those from the query string and wraps a
page as ``{"items": [...], "next_cursor": "..." | null}``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import AppError

R = TypeVar("R")


class BadCursor(AppError):
    status, title, type_slug = 400, "Bad cursor", "bad-cursor"


@dataclass(frozen=True, slots=True)
class PageParams:
    limit: int
    cursor: str | None


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, columns: list[InstrumentedAttribute[Any]]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError
        out: list[Any] = []
        for value, column in zip(raw, columns, strict=True):
            python_type = column.type.python_type
            if python_type is date:
                out.append(date.fromisoformat(value))
            elif python_type is datetime:
                out.append(datetime.fromisoformat(value))
            elif python_type is int:
                out.append(int(value))
            else:
                out.append(value)
        return out
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise BadCursor("the cursor is not one this API issued") from None


def paginate(
    session: Session,
    statement: SelectOfScalar[R],
    params: PageParams,
    order: list[InstrumentedAttribute[Any]],
    *,
    descending: bool = False,
) -> tuple[list[R], str | None]:
    """Apply keyset pagination on ``order`` (the last column must be unique, e.g. ``id``)."""
    if params.cursor:
        values = _decode(params.cursor, order)
        conditions: list[ColumnElement[bool]] = []
        for i, column in enumerate(order):
            equal = [order[j] == values[j] for j in range(i)]
            step = column < values[i] if descending else column > values[i]
            conditions.append(and_(*equal, step))
        statement = statement.where(or_(*conditions))
    statement = statement.order_by(*[c.desc() if descending else c.asc() for c in order])
    rows = list(session.exec(statement.limit(params.limit + 1)))
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = _encode([getattr(last, c.key) for c in order])
    return rows, next_cursor


K = TypeVar("K", bound=tuple[Any, ...])


def paginate_sorted(
    items: Sequence[R], params: PageParams, key: Callable[[R], K]
) -> tuple[list[R], str | None]:
    """The same pages over a list computed in memory (subscriptions, renewals): sorted by
    ``key`` (a tuple of ints and strings, unique per item), the cursor being the last item's
    key, so a page follows from where the previous one ended even if items came or went."""
    ordered = sorted(items, key=key)
    if params.cursor:
        after = _decode_plain(params.cursor)
        try:
            ordered = [item for item in ordered if list(key(item)) > after]
        except TypeError:
            raise BadCursor("the cursor is not one this API issued") from None
    page = ordered[: params.limit]
    more = len(ordered) > params.limit
    return page, _encode(list(key(page[-1]))) if more else None


def _decode_plain(cursor: str) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise BadCursor("the cursor is not one this API issued") from None
    if not isinstance(raw, list) or not all(isinstance(v, int | str) for v in raw):
        raise BadCursor("the cursor is not one this API issued")
    return raw
