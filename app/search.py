"""The one text search every list's ``q=`` uses: a literal, case-insensitive "contains".

``%`` and ``_`` in what the user typed are characters, not LIKE wildcards (``q=%`` must not
list everything), on SQLite and Postgres alike: both honour ``ESCAPE '\\'``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_

ESCAPE = "\\"


def like_escaped(text: str) -> str:
    """``text`` with LIKE's wildcards (and the escape character itself) escaped."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(q: str, *columns: Any) -> ColumnElement[bool]:
    """Rows where any of ``columns`` (compared in lower case) contains ``q`` (stripped)
    literally."""
    pattern = f"%{like_escaped(q.strip().lower())}%"
    return or_(*(func.lower(c).like(pattern, escape=ESCAPE) for c in columns))
