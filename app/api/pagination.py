"""Lists in the API: ``{"items": [...], "next_cursor": "..." | null}``.

Pass ``cursor`` back to get the next page; ``limit`` is 1..1000 (default 100). The cursors
themselves are :mod:`app.kit.pagination`'s; this module only reads them from the query string
and shapes the answer.
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from app.kit.pagination import PageParams

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=1000, description="Items per page")] = 100,
    cursor: Annotated[
        str | None, Query(max_length=500, description="`next_cursor` of the previous page")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]
