"""Xero bank transactions (Accounting API ``GET /BankTransactions``): spend-money payments.

Auth is OAuth 2 with a refresh token (the authorization-code flow happens once, outside this
library). Xero's refresh tokens are **single use**: every token refresh returns a new one and
the old one stops working. The connector therefore calls ``on_secrets_rotated`` with the new
:class:`XeroSecrets` at once, and :attr:`XeroConnector.secrets` always holds the latest; the
service must store it before doing anything else, or the connection is lost.

Incremental reads use ``If-Modified-Since`` (the window start, in UTC) ordered by
``UpdatedDateUTC`` ascending, so each page carries a resume bookmark (the latest update time
seen). Rows updated at or after the frozen window end are left for the next sync. Pages are
numbered; a page repeating the previous one's records raises ``RepeatedCursorError``.

Sign: ``SPEND*`` types leave the company (positive), ``RECEIVE*`` types are refunds and credits
(negative; skipped when ``include_received`` is false); transfers between the company's own
accounts are skipped. ``DELETED`` and ``VOIDED`` transactions are yielded with
``removed=True``. Amounts are the transaction ``Total`` in its ``CurrencyCode``. The channel is
``invoice`` (paid from a bank account, not on a card). The department is the option of the
tracking category named ``department_tracking_category`` on the first line item that has it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, ClassVar

import httpx
from pydantic import Field, SecretStr

from connectors.base import Channel, RawTransaction, SyncWindow
from connectors.http import (
    ApiConnector,
    ConnectorConfig,
    ConnectorSecrets,
    CursorGuard,
    OAuth2TokenAuth,
    Page,
    ProviderProtocolError,
    RecordError,
    Rejected,
    as_list,
    basic_credentials,
    currency_code,
    decimal_minor,
    format_bookmark,
    iso_date,
    optional_str,
    plain,
    secret,
)

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_VOID = frozenset({"DELETED", "VOIDED"})


class XeroConfig(ConnectorConfig):
    """Non-secret Xero settings. ``tenant_id`` is the organisation's Xero tenant id."""

    base_url: str = "https://api.xero.com/api.xro/2.0"
    token_url: str = "https://identity.xero.com/connect/token"  # noqa: S105 (a URL)
    tenant_id: str = Field(min_length=1)
    include_received: bool = True
    department_tracking_category: str | None = "Department"
    page_size: int = Field(default=100, ge=1, le=1000)


class XeroSecrets(ConnectorSecrets):
    """The OAuth client and the current (single-use) refresh token."""

    client_id: SecretStr
    client_secret: SecretStr
    refresh_token: SecretStr


class XeroConnector(ApiConnector[XeroConfig, XeroSecrets]):
    """Xero spend-money bank transactions; surfaces each rotated refresh token."""

    slug: ClassVar[str] = "xero"
    display_name: ClassVar[str] = "Xero"
    Config: ClassVar[type[XeroConfig]] = XeroConfig
    Secrets: ClassVar[type[XeroSecrets]] = XeroSecrets
    lookback: ClassVar[timedelta] = timedelta(days=1)

    def _token_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self.config.token_url,
            data={
                "grant_type": "refresh_token",
                "refresh_token": secret(self._secrets.refresh_token),
            },
            headers={
                "Authorization": basic_credentials(
                    self._secrets.client_id, self._secrets.client_secret
                ),
                "Accept": "application/json",
            },
        )

    def _on_token(self, body: Mapping[str, Any]) -> None:
        new = body.get("refresh_token")
        if isinstance(new, str) and new and new != secret(self._secrets.refresh_token):
            self._rotate_secrets(
                XeroSecrets(
                    client_id=self._secrets.client_id,
                    client_secret=self._secrets.client_secret,
                    refresh_token=SecretStr(new),
                )
            )

    def _auth(self) -> httpx.Auth:
        return OAuth2TokenAuth(self._token_request, what="Xero", on_token=self._on_token)

    def _headers(self) -> dict[str, str]:
        return {"xero-tenant-id": self.config.tenant_id}

    def check(self) -> None:
        self._json("GET", "Organisation", what="Xero check", headers=self._headers())

    def fetch(self, window: SyncWindow, bookmark: str | None) -> Iterator[Page]:
        """Bank transactions updated in ``[window.start, window.end)``. ``bookmark`` is not
        read: the window already holds it."""
        headers = self._headers()
        if window.start is not None:
            headers["If-Modified-Since"] = format_bookmark(window.start)
        guard = CursorGuard("Xero bank transactions")
        latest: datetime | None = None
        number = 1
        while True:
            params = {
                "page": number,
                "pageSize": self.config.page_size,
                "order": "UpdatedDateUTC ASC",
            }
            body = self._json(
                "GET",
                "BankTransactions",
                what="Xero bank transactions",
                params=params,
                headers=headers,
            )
            items = body.get("BankTransactions")
            if not isinstance(items, list):
                raise ProviderProtocolError("Xero bank transactions: no BankTransactions list")
            records = as_list(items)
            if records:
                ids = ",".join(str(r.get("BankTransactionID")) for r in records)
                guard.follow(ids)
            transactions: list[RawTransaction] = []
            rejected: list[Rejected] = []
            for record in records:
                try:
                    updated = ms_timestamp(record.get("UpdatedDateUTC"), "UpdatedDateUTC")
                    if updated >= window.end:
                        continue
                    mapped = self._map(record)
                except RecordError as exc:
                    rejected.append(
                        Rejected(optional_str(record.get("BankTransactionID")), str(exc))
                    )
                    continue
                latest = updated if latest is None or updated > latest else latest
                if mapped is not None:
                    transactions.append(mapped)
            if self._last_page(body, number, len(records)):
                yield Page(transactions, format_bookmark(window.end), rejected)
                return
            yield Page(transactions, format_bookmark(latest) if latest else None, rejected)
            number += 1

    def _last_page(self, body: Mapping[str, Any], number: int, count: int) -> bool:
        pagination = body.get("pagination")
        if isinstance(pagination, Mapping) and isinstance(pagination.get("pageCount"), int):
            return number >= int(pagination["pageCount"])
        return count < self.config.page_size

    def _map(self, record: Mapping[str, Any]) -> RawTransaction | None:
        external_id = optional_str(record.get("BankTransactionID"))
        if external_id is None:
            raise RecordError("no BankTransactionID")
        kind = optional_str(record.get("Type")) or ""
        if kind.endswith("-TRANSFER"):
            return None
        if kind.startswith("RECEIVE") and not self.config.include_received:
            return None
        if not kind.startswith(("SPEND", "RECEIVE")):
            raise RecordError(f"unknown Type {kind!r}")
        currency = currency_code(record.get("CurrencyCode"))
        amount = abs(decimal_minor(record.get("Total"), currency))
        contact = record.get("Contact")
        lines = as_list(record.get("LineItems"))
        reference = optional_str(record.get("Reference"))
        descriptor = (
            (optional_str(contact.get("Name")) if isinstance(contact, Mapping) else None)
            or reference
            or next((d for d in (optional_str(x.get("Description")) for x in lines) if d), None)
        )
        if descriptor is None:
            raise RecordError("no contact, reference or line description")
        return RawTransaction(
            external_id=external_id,
            transaction_date=self._date(record),
            amount_minor=-amount if kind.startswith("RECEIVE") else amount,
            currency=currency,
            descriptor=descriptor,
            memo=reference,
            channel=Channel.INVOICE,
            department_name=self._department(lines),
            removed=record.get("Status") in _VOID,
            raw=plain(dict(record)),
        )

    @staticmethod
    def _date(record: Mapping[str, Any]) -> date:
        text = record.get("DateString")
        if isinstance(text, str) and text:
            return iso_date(text, "DateString")
        return ms_timestamp(record.get("Date"), "Date").date()

    def _department(self, lines: list[Mapping[str, Any]]) -> str | None:
        wanted = self.config.department_tracking_category
        if not wanted:
            return None
        for line in lines:
            for tracking in as_list(line.get("Tracking")):
                name = optional_str(tracking.get("Name"))
                if name is not None and name.casefold() == wanted.casefold():
                    return optional_str(tracking.get("Option"))
        return None


def ms_timestamp(value: object, what: str) -> datetime:
    """Xero's ``/Date(1476389616437+0000)/`` as an aware UTC datetime.

    The milliseconds are since the epoch in UTC; the offset only says how the date was shown.
    """
    match = _MS_DATE.match(value) if isinstance(value, str) else None
    if match is None:
        raise RecordError(f"{what} {value!r} is not a Xero date")
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=int(match.group(1)))
