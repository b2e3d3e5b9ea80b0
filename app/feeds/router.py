from __future__ import annotations

import re
from email.utils import format_datetime
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from app.api.deps import SessionDep, require
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.db import utcnow
from app.feeds import service
from app.feeds.service import SpendFeed
from app.transactions import service as transactions_service
from app.transactions.params import FilterDep

router = APIRouter(prefix="/feeds", tags=["feeds"])


class FeedFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    NDJSON = "ndjson"


class SpendFeedPublic(BaseModel):
    reporting_currency: str
    from_: str | None = Field(
        alias="from", description="First day covered (YYYY-MM-DD); null: from the first row"
    )
    to: str | None = Field(description="Last day covered; null: up to today")
    group_by: list[str]
    columns: list[str] = Field(description="Every row's keys, in this order")
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = Field(description="The metric columns summed over all rows")


_MEDIA = {
    FeedFormat.JSON: "application/json",
    FeedFormat.CSV: "text/csv; charset=utf-8",
    FeedFormat.NDJSON: "application/x-ndjson",
}


@router.get(
    "/spend",
    response_model=None,
    responses={
        200: {
            "model": SpendFeedPublic,
            "content": {"text/csv": {}, "application/x-ndjson": {}},
            "description": "The feed in the asked format",
        },
        304: {"description": "Unchanged since the ETag sent in If-None-Match"},
    },
)
def spend_feed(
    session: SessionDep,
    flt: FilterDep,
    principal: Annotated[Principal, Depends(require(Perm.FEEDS_READ))],
    group_by: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Comma list of department, category, vendor, month, quarter "
            "(default department; empty: one grand-total row)",
        ),
    ] = "department",
    format: Annotated[FeedFormat, Query(description="json, csv or ndjson")] = FeedFormat.JSON,
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Spend in the reporting currency, grouped by any combination of `department`,
    `category`, `vendor`, `month` (`YYYY-MM`) and `quarter` (`YYYY-Qn`), for finance's BI
    tools. Takes the same filters as `GET /transactions` (`from`, `to`, `department_id`,
    `vendor_id`, `connection_id`, `is_software`, `outside_it`, `category`, `channel`, `q`,
    `include_duplicates`) and sums exactly the rows that list returns for them, so the totals
    reconcile to the cent with it. Removed rows and cross-source duplicates are never counted
    twice.

    **Period.** With neither `from` nor `to` the feed covers the default period every figure
    uses, the last 12 full months (the dashboard's too); the answer's `from` and `to` always
    say which days it covers.

    **Columns**, always in this order: first the group columns in the order department
    (`department_id`, `department_name`), category (`category`), vendor (`vendor_id`,
    `vendor_name`), month (`month`), quarter (`quarter`) — only those asked for, whatever order
    `group_by` names them in — then `reporting_currency`, `sanctioned_minor`, `sanctioned`,
    `outside_it_minor`, `outside_it`, `not_software_minor`, `not_software`, `total_minor`,
    `total`, `transaction_count`, `unconverted_count`.

    - `sanctioned`: software not bought outside IT; `outside_it`: software bought outside IT;
      `not_software`: everything else; `total` = the three together.
    - `*_minor` are integers in the currency's minor unit (cents); the same names without
      `_minor` are decimal strings with a dot (`"1234.50"`). Refunds and credits are negative.
    - `transaction_count` counts every row in the group; `unconverted_count` those that have no
      reporting amount yet (no rate known for their currency and date): they are in no sum.
    - A null group value means none (no department, unrecognised vendor, ...).

    Rows are sorted by the group columns (names alphabetically, periods in order).

    **Formats.** `json`: `{reporting_currency, from, to, group_by, columns, rows, totals}`.
    `csv`: UTF-8 with a byte-order mark and CRLF line ends (opens cleanly in Excel), a header
    row, no totals row, sent as an attachment; a name starting with `=`, `+`, `-` or `@` is
    prefixed with `'`. `ndjson`: streamed, one JSON object per row and line.

    **Caching.** Every answer carries an `ETag` (changes when any row behind the feed, its
    count or the query changes) and `Last-Modified` (the newest change among those rows); send
    the ETag back in `If-None-Match` to get `304 Not Modified`. A department-scoped key sees
    only its own department."""
    flt = transactions_service.scoped_filter(flt, principal)
    flt, _ = transactions_service.in_period(flt, utcnow().date())
    groups = service.parse_group_by(group_by)
    feed = service.spend_feed(session, flt, groups, fmt=format.value, checkpoint=session.commit)
    headers = _cache_headers(feed)
    if if_none_match is not None and _matches(if_none_match, feed.etag):
        return Response(status_code=304, headers=headers)
    if format is FeedFormat.CSV:
        headers["Content-Disposition"] = f'attachment; filename="{_filename(feed)}"'
        return Response(service.to_csv(feed), media_type=_MEDIA[format], headers=headers)
    if format is FeedFormat.NDJSON:
        return StreamingResponse(
            service.ndjson_lines(feed), media_type=_MEDIA[format], headers=headers
        )
    return JSONResponse(feed.as_json(), headers=headers)


def _cache_headers(feed: SpendFeed) -> dict[str, str]:
    headers = {"ETag": feed.etag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
    if feed.last_modified is not None:
        headers["Last-Modified"] = format_datetime(feed.last_modified, usegmt=True)
    return headers


def _matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): W/"x" matches "x".
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in tags


def _filename(feed: SpendFeed) -> str:
    parts = ["spend", "-".join(feed.group_by) or "total"]
    if feed.date_from:
        parts.append(f"from-{feed.date_from.isoformat()}")
    if feed.date_to:
        parts.append(f"to-{feed.date_to.isoformat()}")
    return re.sub(r"[^A-Za-z0-9._-]", "_", "_".join(parts)) + ".csv"
