from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Query
from sqlmodel import col, select

from app.api.deps import SessionDep, require
from app.api.pagination import Page, PageDep
from app.api.uploads import NoFields, Upload, multipart_openapi, multipart_upload
from app.auth.permissions import Perm
from app.auth.principal import Principal
from app.fx import service
from app.fx.ecb import EcbPeriod
from app.fx.schemas import FxRatePublic, RefreshResult, UploadResult
from app.kit.pagination import paginate
from app.models import FxRate

router = APIRouter(prefix="/fx-rates", tags=["fx"])
MAX_BYTES = 20 * 1024 * 1024


def ecb_client() -> Iterator[httpx.Client | None]:
    """The HTTP client the refresh uses; None lets the loader make its own (tests override
    this dependency with a client on an ``httpx.MockTransport``)."""
    yield None


EcbClientDep = Annotated[httpx.Client | None, Depends(ecb_client)]


@router.get("", response_model=Page[FxRatePublic])
def list_rates(
    session: SessionDep,
    page: PageDep,
    _principal: Annotated[Principal, Depends(require(Perm.FEEDS_READ))],
    currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    quote_currency: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
    date_from: Annotated[date | None, Query(alias="from", description="On or after")] = None,
    date_to: Annotated[date | None, Query(alias="to", description="On or before")] = None,
) -> Page[FxRatePublic]:
    """Stored exchange rates, newest date first: `rate` (a decimal string) units of
    `quote_currency` buy one unit of `currency`. Transactions are converted to the reporting
    currency at the nearest rate on or before their date."""
    stmt = select(FxRate)
    if currency:
        stmt = stmt.where(FxRate.currency == currency.upper())
    if quote_currency:
        stmt = stmt.where(FxRate.quote_currency == quote_currency.upper())
    if date_from:
        stmt = stmt.where(col(FxRate.rate_date) >= date_from)
    if date_to:
        stmt = stmt.where(col(FxRate.rate_date) <= date_to)
    rows, cursor = paginate(
        session,
        stmt,
        page,
        [FxRate.rate_date, FxRate.id],  # type: ignore[list-item]
        descending=True,
    )
    items = [
        FxRatePublic(
            id=r.id or 0,
            rate_date=r.rate_date,
            currency=r.currency,
            quote_currency=r.quote_currency,
            rate=format(service.stored_rate(r.rate).normalize(), "f"),
            source=r.source,
            created_at=r.created_at,
        )
        for r in rows
    ]
    return Page(items=items, next_cursor=cursor)


_read_rates = multipart_upload(
    Perm.FX_WRITE, max_bytes=MAX_BYTES, too_large="the file is larger than 20 MB", fields=NoFields
)


@router.post(
    "/upload",
    response_model=UploadResult,
    openapi_extra=multipart_openapi(
        NoFields,
        file_description="CSV with a header `date,currency,rate[,quote]`; UTF-8; up to 20 MB",
    ),
)
def upload_rates(
    session: SessionDep,
    upload: Annotated[Upload[NoFields], Depends(_read_rates)],
) -> UploadResult:
    """Store exchange rates from a CSV file: `date` (YYYY-MM-DD), `currency` (ISO 4217),
    `rate` (units of `quote` one unit of `currency` buys) and optionally `quote` (default: the
    reporting currency). All or nothing: any bad row rejects the file with row- and field-level
    `errors` (422). An uploaded rate replaces a stored one for the same day and pair (the ECB
    refresh never overwrites it). Transactions waiting for a rate are converted at once."""
    data, principal = upload.data, upload.principal
    result = service.upload_rates_csv(session, data, actor=principal)
    session.commit()
    return UploadResult.model_validate(result)


@router.post("/refresh", response_model=RefreshResult)
def refresh_rates(
    session: SessionDep,
    principal: Annotated[Principal, Depends(require(Perm.FX_WRITE))],
    client: EcbClientDep,
    period: Annotated[
        EcbPeriod,
        Query(description="daily: the latest day; 90d: the last 90 days; full: since 1999"),
    ] = EcbPeriod.DAILY,
) -> RefreshResult:
    """Load the European Central Bank's euro reference rates now (the scheduler also does it
    daily) and store them as rates to the reporting currency (cross rates via EUR), then
    convert the transactions that were waiting for a rate. Idempotent. 502 when the ECB cannot
    be reached or sends an unreadable file."""
    # One attempt: the caller is waiting and can ask again (the daily job retries).
    result = service.refresh_ecb_rates(
        session, client=client, period=period, actor=principal, attempts=1
    )
    session.commit()
    return RefreshResult.model_validate(result)
