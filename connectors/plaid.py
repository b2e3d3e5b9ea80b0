"""Plaid transactions through ``POST /transactions/sync``.

The bookmark is Plaid's sync cursor: every page carries the ``next_cursor`` it returned, so a
sync killed between pages resumes exactly after the last committed one. The window is not
read (Plaid decides what changed since the cursor); its frozen end only dates removals.

``added`` and ``modified`` become :class:`RawTransaction` rows (same ``external_id``, so a
modification overwrites); ``removed`` become ``RawTransaction(removed=True)`` whose only
meaningful field is ``external_id`` (amount 0, currency ``XXX``, date = the window end's UTC
date, empty descriptor). Plaid's amounts are positive when money leaves the account, which is
our convention already. Pending transactions are skipped unless ``include_pending``: Plaid
removes a pending row when it posts, so keeping them is safe but noisy.

When Plaid reports ``TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION`` the pagination restarts
from the cursor the fetch began with (as Plaid asks), at most ``max_restarts`` times; the
pages already yielded are simply seen again, which is harmless for an upsert.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, ClassVar, Literal

import httpx
from pydantic import Field, SecretStr

from connectors.base import (
    Channel,
    ConnectorConfigError,
    ConnectorError,
    ConnectorTransientError,
    RawTransaction,
    SyncWindow,
)
from connectors.http import (
    ApiConnector,
    ConnectorConfig,
    ConnectorSecrets,
    CursorGuard,
    HeaderAuth,
    Page,
    ProviderProtocolError,
    RecordError,
    Rejected,
    as_list,
    classify_response,
    currency_code,
    decimal_minor,
    iso_date,
    optional_str,
    plain,
    secret,
)

_SYNC = "transactions/sync"
_MUTATION = "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION"
# Plaid answers these with HTTP 400 although waiting is the cure.
_TRANSIENT_CODES = frozenset({"PRODUCT_NOT_READY", "RATE_LIMIT_EXCEEDED", "INTERNAL_SERVER_ERROR"})
_HUMAN_CODES = {
    "ITEM_LOGIN_REQUIRED": "the bank connection needs the user to log in again (Plaid Link)",
    "INVALID_ACCESS_TOKEN": "the access token is not valid for this environment",
    "INVALID_API_KEYS": "the client id or secret is wrong for this environment",
    "ACCESS_NOT_GRANTED": "the user did not grant access to transactions",
}


class _MutationDuringPagination(ConnectorError):
    """Plaid's data changed mid-pagination; the loop restarts (never escapes ``fetch``)."""


class PlaidConfig(ConnectorConfig):
    """Non-secret Plaid settings. ``base_url`` is the environment's host
    (``https://sandbox.plaid.com`` for the sandbox)."""

    base_url: str = "https://production.plaid.com"
    #: Sent as ``Plaid-Version``; the response shapes this connector reads are this version's.
    api_version: str = "2020-09-14"
    page_size: int = Field(default=500, ge=1, le=500)
    include_pending: bool = False
    account_ids: tuple[str, ...] = ()
    max_restarts: int = Field(default=3, ge=0, le=10)


class PlaidSecrets(ConnectorSecrets):
    """Plaid API keys and the Item's access token."""

    client_id: SecretStr
    secret: SecretStr
    access_token: SecretStr


class PlaidConnector(ApiConnector[PlaidConfig, PlaidSecrets]):
    """Plaid ``/transactions/sync``: added, modified and removed transactions."""

    slug: ClassVar[str] = "plaid"
    display_name: ClassVar[str] = "Plaid"
    Config: ClassVar[type[PlaidConfig]] = PlaidConfig
    Secrets: ClassVar[type[PlaidSecrets]] = PlaidSecrets
    lookback: ClassVar[timedelta] = timedelta(0)
    bookmark_kind: ClassVar[Literal["timestamp", "cursor"]] = "cursor"

    def _auth(self) -> httpx.Auth:
        return HeaderAuth(
            {"PLAID-CLIENT-ID": self._secrets.client_id, "PLAID-SECRET": self._secrets.secret},
            public={"Plaid-Version": self.config.api_version},
        )

    def _check_response(self, response: httpx.Response, what: str) -> None:
        if response.status_code < 400:
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        code = body.get("error_code") if isinstance(body, dict) else None
        if code == _MUTATION:
            raise _MutationDuringPagination
        if code in _TRANSIENT_CODES:
            raise ConnectorTransientError(f"{what}: Plaid says {code}, try again later")
        if code in _HUMAN_CODES:
            raise ConnectorConfigError(f"{what}: {_HUMAN_CODES[code]} ({code})")
        classify_response(response, what=what)

    def _sync_page(self, cursor: str | None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "access_token": secret(self._secrets.access_token),
            "count": self.config.page_size,
            "options": {"include_original_description": True},
        }
        if cursor:
            payload["cursor"] = cursor
        return self._json("POST", _SYNC, what="Plaid transactions sync", json=payload)

    def check(self) -> None:
        payload = {"access_token": secret(self._secrets.access_token), "count": 1}
        try:
            self._json("POST", _SYNC, what="Plaid check", json=payload)
        except _MutationDuringPagination:
            return  # the credentials worked; the data is merely moving

    def fetch(self, window: SyncWindow, bookmark: str | None) -> Iterator[Page]:
        """Changes since the cursor ``bookmark`` (everything when ``None``); each page's
        ``next_bookmark`` is the cursor after it."""
        for _attempt in range(self.config.max_restarts + 1):
            try:
                yield from self._paginate(window, bookmark)
                return
            except _MutationDuringPagination:
                continue
        raise ConnectorTransientError(
            "Plaid transactions sync: data kept changing during pagination; try again later"
        )

    def _paginate(self, window: SyncWindow, start: str | None) -> Iterator[Page]:
        guard = CursorGuard("Plaid transactions sync")
        cursor = start
        removed_date = window.end.date()
        while True:
            body = self._sync_page(cursor)
            next_cursor = body.get("next_cursor")
            has_more = body.get("has_more")
            if not isinstance(next_cursor, str) or not isinstance(has_more, bool):
                raise ProviderProtocolError(
                    "Plaid transactions sync: the answer lacks next_cursor or has_more"
                )
            transactions: list[RawTransaction] = []
            rejected: list[Rejected] = []
            for item in [*as_list(body.get("added")), *as_list(body.get("modified"))]:
                if self._skip(item):
                    continue
                try:
                    transactions.append(map_transaction(item))
                except RecordError as exc:
                    rejected.append(Rejected(optional_str(item.get("transaction_id")), str(exc)))
            for item in as_list(body.get("removed")):
                if self.config.account_ids and item.get("account_id") not in (
                    self.config.account_ids
                ):
                    continue
                transaction_id = optional_str(item.get("transaction_id"))
                if transaction_id is None:
                    rejected.append(Rejected(None, "removed entry without transaction_id"))
                    continue
                transactions.append(removed(transaction_id, removed_date))
            if has_more:
                if not next_cursor or next_cursor == cursor:
                    raise ProviderProtocolError(
                        "Plaid transactions sync: has_more without a new cursor"
                    )
                guard.follow(next_cursor)
            # Before Plaid has data the cursor is empty: keep the stored bookmark then.
            yield Page(transactions, next_cursor or None, rejected)
            if not has_more:
                return
            cursor = next_cursor

    def _skip(self, item: Mapping[str, Any]) -> bool:
        if item.get("pending") is True and not self.config.include_pending:
            return True
        return bool(self.config.account_ids) and item.get("account_id") not in (
            self.config.account_ids
        )


def removed(transaction_id: str, on: Any) -> RawTransaction:
    """The tombstone for a transaction Plaid withdrew (only ``external_id`` is meaningful)."""
    return RawTransaction(
        external_id=transaction_id,
        transaction_date=on,
        amount_minor=0,
        currency="XXX",
        descriptor="",
        removed=True,
    )


def map_transaction(item: Mapping[str, Any]) -> RawTransaction:
    """One Plaid ``Transaction`` as a :class:`RawTransaction`. Raises :class:`RecordError`."""
    transaction_id = optional_str(item.get("transaction_id"))
    if transaction_id is None:
        raise RecordError("no transaction_id")
    currency = currency_code(item.get("iso_currency_code") or item.get("unofficial_currency_code"))
    amount = decimal_minor(item.get("amount"), currency)
    descriptor = (
        optional_str(item.get("original_description"))
        or optional_str(item.get("name"))
        or optional_str(item.get("merchant_name"))
    )
    if descriptor is None:
        raise RecordError("no name or description")
    authorized = item.get("authorized_date")
    posted = iso_date(item.get("date"), "date")
    return RawTransaction(
        external_id=transaction_id,
        transaction_date=iso_date(authorized, "authorized_date") if authorized else posted,
        posted_date=posted,
        amount_minor=amount,
        currency=currency,
        descriptor=descriptor,
        merchant_name=optional_str(item.get("merchant_name")),
        channel=Channel.CARD,
        cardholder_name=optional_str(item.get("account_owner")),
        raw=plain(dict(item)),
    )
