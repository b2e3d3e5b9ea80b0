"""Ramp card transactions and out-of-pocket reimbursements (Ramp Developer API v1).

Auth is OAuth 2 client credentials against Ramp's token endpoint (``{base_url}/token`` unless
``token_url`` is set), with the client id and secret as HTTP Basic. Ramp's reference asks for
a form-encoded body while its OpenAPI file declares JSON; ``grant_encoding`` picks one.

A fetch reads two streams, reimbursements first, then card transactions:

* reimbursements updated since the window start (so a late submission for an old purchase is
  still caught), type ``OUT_OF_POCKET`` only (mileage, per diem and paybacks are not bought
  from a vendor). ``BUSINESS_TO_USER`` is money leaving the company (positive).
* card transactions with ``user_transaction_time`` in ``[window.start, window.end)``, oldest
  first, so every card page can carry a resume bookmark (the latest transaction time seen);
  reimbursement pages carry none.

Cardholder and department names come inline on card transactions; for reimbursements (and for
e-mail addresses) the user and department are looked up once per id and cached for the sync.
A lookup the token may not make (missing scope, deleted user) leaves the names empty.
Declined or errored card transactions, and cancelled, deleted, rejected or draft
reimbursements, are yielded with ``removed=True`` so a row stored earlier gets voided.

Ramp's ``page.next`` is an absolute URL on Ramp's host; only its query (the ``start`` cursor
and the filters) is kept and sent to the configured ``base_url``, so proxies and mock servers
work. A next page whose query was already followed raises ``RepeatedCursorError``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

import httpx
from pydantic import Field, SecretStr

from connectors.base import Channel, ConnectorConfigError, RawTransaction, SyncWindow
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
    utc_timestamp,
)

_TRANSACTIONS = "transactions"
_REIMBURSEMENTS = "reimbursements"
_VOID_CARD_STATES = frozenset({"DECLINED", "ERROR"})
_VOID_REIMBURSEMENT_STATES = frozenset({"CANCELED", "DELETED", "DRAFT", "REJECTED"})


class RampConfig(ConnectorConfig):
    """Non-secret Ramp settings. ``base_url`` includes ``/developer/v1``."""

    base_url: str = "https://api.ramp.com/developer/v1"
    token_url: str | None = None
    scopes: str = "transactions:read reimbursements:read users:read departments:read"
    grant_encoding: Literal["form", "json"] = "form"
    include_card_transactions: bool = True
    include_reimbursements: bool = True
    page_size: int = Field(default=100, ge=2, le=100)


class RampSecrets(ConnectorSecrets):
    """The OAuth client of a Ramp developer app with the client-credentials grant."""

    client_id: SecretStr
    client_secret: SecretStr


class RampConnector(ApiConnector[RampConfig, RampSecrets]):
    """Ramp card transactions and reimbursements, with cardholder and department names."""

    slug: ClassVar[str] = "ramp"
    display_name: ClassVar[str] = "Ramp"
    Config: ClassVar[type[RampConfig]] = RampConfig
    Secrets: ClassVar[type[RampSecrets]] = RampSecrets
    lookback: ClassVar[timedelta] = timedelta(days=7)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._users: dict[str, Mapping[str, Any] | None] = {}
        self._departments: dict[str, str | None] = {}

    def _token_request(self) -> httpx.Request:
        url = self.config.token_url or self.config.base_url.rstrip("/") + "/token"
        body = {"grant_type": "client_credentials", "scope": self.config.scopes}
        headers = {
            "Authorization": basic_credentials(
                self._secrets.client_id, self._secrets.client_secret
            ),
            "Accept": "application/json",
        }
        if self.config.grant_encoding == "json":
            return httpx.Request("POST", url, json=body, headers=headers)
        return httpx.Request("POST", url, data=body, headers=headers)

    def _auth(self) -> httpx.Auth:
        return OAuth2TokenAuth(self._token_request, what="Ramp")

    def check(self) -> None:
        """Fetch a token and one small page of each enabled stream, so a missing scope shows
        up here rather than half-way through a sync."""
        if self.config.include_card_transactions:
            self._json("GET", _TRANSACTIONS, what="Ramp check", params={"page_size": 2})
        if self.config.include_reimbursements:
            self._json("GET", _REIMBURSEMENTS, what="Ramp check", params={"page_size": 2})

    def fetch(self, window: SyncWindow, bookmark: str | None) -> Iterator[Page]:
        """Reimbursements then card transactions of ``window`` (see the module docstring).
        ``bookmark`` is not read: the window already holds it."""
        final = format_bookmark(window.end)
        card = self.config.include_card_transactions
        if self.config.include_reimbursements:
            params: dict[str, Any] = {"page_size": self.config.page_size}
            if window.start is not None:
                params["updated_after"] = format_bookmark(window.start)
            pages = self._pages(_REIMBURSEMENTS, params, "Ramp reimbursements")
            for items, last in pages:
                page = self._reimbursement_page(items, window.end)
                yield Page(page[0], final if last and not card else None, page[1])
        if card:
            params = {
                "page_size": self.config.page_size,
                "to_date": format_bookmark(window.end),
                "order_by_date_asc": "true",
            }
            if window.start is not None:
                params["from_date"] = format_bookmark(window.start)
            latest: datetime | None = None
            for items, last in self._pages(_TRANSACTIONS, params, "Ramp card transactions"):
                transactions, rejected, seen = self._card_page(items, window.end)
                if seen is not None and (latest is None or seen > latest):
                    latest = seen
                progress = format_bookmark(latest) if latest is not None else None
                yield Page(transactions, final if last else progress, rejected)

    def _pages(
        self, resource: str, params: dict[str, Any], what: str
    ) -> Iterator[tuple[list[Mapping[str, Any]], bool]]:
        guard = CursorGuard(what)
        query: dict[str, Any] | httpx.QueryParams = params
        while True:
            body = self._json("GET", resource, what=what, params=query)
            data = body.get("data")
            if not isinstance(data, list):
                raise ProviderProtocolError(f"{what}: the page has no data list")
            page = body.get("page")
            next_url = optional_str(page.get("next")) if isinstance(page, Mapping) else None
            if next_url is None:
                yield as_list(data), True
                return
            # Keep only the query of Ramp's absolute next URL; the host is the configured one.
            next_query = httpx.URL(next_url).params
            guard.follow(str(next_query))
            yield as_list(data), False
            query = next_query

    def _card_page(
        self, items: list[Mapping[str, Any]], end: datetime
    ) -> tuple[list[RawTransaction], list[Rejected], datetime | None]:
        transactions: list[RawTransaction] = []
        rejected: list[Rejected] = []
        latest: datetime | None = None
        for item in items:
            try:
                when = utc_timestamp(item.get("user_transaction_time"), "user_transaction_time")
                if when >= end:
                    continue
                mapped = self._map_card(item)
            except RecordError as exc:
                rejected.append(Rejected(optional_str(item.get("id")), str(exc)))
                continue
            latest = when if latest is None or when > latest else latest
            transactions.append(mapped)
        return transactions, rejected, latest

    def _map_card(self, item: Mapping[str, Any]) -> RawTransaction:
        external_id = optional_str(item.get("id"))
        if external_id is None:
            raise RecordError("no id")
        currency = currency_code(item.get("currency_code") or "USD")
        holder = item.get("card_holder")
        holder = holder if isinstance(holder, Mapping) else {}
        user_id = optional_str(holder.get("user_id"))
        user = self._user(user_id)
        names = [optional_str(holder.get("first_name")), optional_str(holder.get("last_name"))]
        descriptor = optional_str(item.get("merchant_descriptor")) or optional_str(
            item.get("merchant_name")
        )
        if descriptor is None:
            raise RecordError("no merchant descriptor or name")
        settled = item.get("settlement_date")
        mcc = optional_str(item.get("merchant_category_code"))
        return RawTransaction(
            external_id=external_id,
            transaction_date=iso_date(item.get("user_transaction_time"), "user_transaction_time"),
            posted_date=iso_date(settled, "settlement_date") if settled else None,
            amount_minor=decimal_minor(item.get("amount"), currency),
            currency=currency,
            descriptor=descriptor,
            merchant_name=optional_str(item.get("merchant_name")),
            mcc=mcc if mcc is not None and mcc.isdigit() and len(mcc) == 4 else None,
            memo=optional_str(item.get("memo")),
            channel=Channel.CARD,
            cardholder_external_id=user_id,
            cardholder_name=" ".join(n for n in names if n) or None,
            cardholder_email=optional_str(user.get("email")) if user else None,
            department_name=optional_str(holder.get("department_name"))
            or self._department_of(user),
            removed=item.get("state") in _VOID_CARD_STATES,
            raw=plain(dict(item)),
        )

    def _reimbursement_page(
        self, items: list[Mapping[str, Any]], end: datetime
    ) -> tuple[list[RawTransaction], list[Rejected]]:
        transactions: list[RawTransaction] = []
        rejected: list[Rejected] = []
        for item in items:
            kind = item.get("type")
            if kind is not None and kind != "OUT_OF_POCKET":
                continue
            try:
                updated = utc_timestamp(item.get("updated_at"), "updated_at")
            except RecordError:
                updated = None  # only used to leave rows updated after the window end
            if updated is not None and updated >= end:
                continue
            try:
                transactions.append(self._map_reimbursement(item))
            except RecordError as exc:
                rejected.append(Rejected(optional_str(item.get("id")), str(exc)))
        return transactions, rejected

    def _map_reimbursement(self, item: Mapping[str, Any]) -> RawTransaction:
        external_id = optional_str(item.get("id"))
        if external_id is None:
            raise RecordError("no id")
        original = item.get("original_reimbursement_amount")
        if isinstance(original, Mapping) and isinstance(original.get("amount"), int):
            currency = currency_code(original.get("currency_code"))
            amount = int(original["amount"])
        else:
            currency = currency_code(item.get("currency"))
            amount = decimal_minor(item.get("amount"), currency)
        amount = -abs(amount) if item.get("direction") == "USER_TO_BUSINESS" else abs(amount)
        descriptor = optional_str(item.get("merchant"))
        if descriptor is None:
            raise RecordError("no merchant")
        user_id = optional_str(item.get("user_id"))
        user = self._user(user_id)
        when = item.get("transaction_date") or item.get("created_at")
        return RawTransaction(
            external_id=f"reimbursement:{external_id}",
            transaction_date=iso_date(when, "transaction_date"),
            amount_minor=amount,
            currency=currency,
            descriptor=descriptor,
            merchant_name=descriptor,
            memo=optional_str(item.get("memo")),
            channel=Channel.REIMBURSEMENT,
            cardholder_external_id=user_id,
            cardholder_name=optional_str(item.get("user_full_name")),
            cardholder_email=optional_str(item.get("user_email"))
            or (optional_str(user.get("email")) if user else None),
            department_name=self._department_of(user),
            removed=item.get("state") in _VOID_REIMBURSEMENT_STATES,
            raw=plain(dict(item)),
        )

    def _user(self, user_id: str | None) -> Mapping[str, Any] | None:
        if user_id is None:
            return None
        if user_id not in self._users:
            try:
                self._users[user_id] = self._json("GET", f"users/{user_id}", what="Ramp user")
            except ConnectorConfigError:
                self._users[user_id] = None
        return self._users[user_id]

    def _department_of(self, user: Mapping[str, Any] | None) -> str | None:
        department_id = optional_str(user.get("department_id")) if user else None
        if department_id is None:
            return None
        if department_id not in self._departments:
            try:
                body = self._json("GET", f"departments/{department_id}", what="Ramp department")
                self._departments[department_id] = optional_str(body.get("name"))
            except ConnectorConfigError:
                self._departments[department_id] = None
        return self._departments[department_id]
