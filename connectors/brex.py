"""Brex card transactions (Transactions API ``GET /v2/transactions/card/primary``), with the
cardholder and department from the Expenses API (``GET /v1/expenses/card``).

Auth is a Brex user token (``Authorization: Bearer``). Pages follow ``next_cursor``; a cursor
seen twice raises :class:`~connectors.http.RepeatedCursorError`. The listing is filtered by
``posted_at_start`` (the window start) and, because Brex has no end filter and no documented
order, rows posted on or after the frozen window end's UTC date are left for the next sync and
only the last page carries a bookmark (the window end).

Card transactions carry no cardholder, only an ``expense_id``. With ``with_expenses`` on (the
default; the token then also needs the scope ``expenses.card.readonly``), a fetch first pages
through the card expenses purchased from ``window.start`` minus :data:`PURCHASE_SLACK` (a
purchase is made days before it posts) to ``window.end``, with ``expand[]=user`` and
``expand[]=department``, and keeps a compact map expense id -> (user id, "First Last",
department name); the same cursor guard and page size apply. Each transaction whose
``expense_id`` is in the map gets ``cardholder_external_id``, ``cardholder_name`` and
``department_name``; the others (no expense, or one purchased before the slack) are left
without. A 401 or 403 from the Expenses API raises :class:`ConnectorConfigError` saying to
grant the scope or turn ``with_expenses`` off; :meth:`BrexConnector.check` probes both APIs so
a missing scope shows up when the connection is created. ``expenses_base_url`` defaults to
``base_url`` (both APIs live on one host at Brex; mock servers or proxies may split them).

Amounts come in minor units already. Brex signs them inconsistently across types, so the sign
is taken from the type: purchases and fees leave the company (positive), refunds and
chargebacks come back (negative). Card payments (``COLLECTION``) and rewards are not spend and
are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx
from pydantic import Field, SecretStr

from connectors.base import Channel, ConnectorConfigError, RawTransaction, SyncWindow
from connectors.http import (
    ApiConnector,
    BearerAuth,
    ConnectorConfig,
    ConnectorSecrets,
    CursorGuard,
    Page,
    ProviderProtocolError,
    RecordError,
    Rejected,
    as_list,
    classify_response,
    currency_code,
    format_bookmark,
    iso_date,
    optional_str,
    plain,
)

_PATH = "v2/transactions/card/primary"
_EXPENSES_PATH = "v1/expenses/card"
_EXPENSES_SCOPE = "expenses.card.readonly"
_OUTGOING = frozenset({"PURCHASE", "BNPL_FEE"})
_INCOMING = frozenset({"REFUND", "CHARGEBACK"})
_NOT_SPEND = frozenset({"COLLECTION", "REWARDS_CREDIT"})

#: How far before the window start card expenses are read: the transactions are filtered by
#: posting date, their expenses by purchase date, which comes first (usually by 1-3 days).
PURCHASE_SLACK = timedelta(days=7)

Cardholder = tuple[str | None, str | None, str | None]
"""``(user id, "First Last", department name)`` of one card expense; any part may be ``None``."""


class BrexConfig(ConnectorConfig):
    """Non-secret Brex settings. ``base_url`` defaults to production.

    ``with_expenses`` reads cardholders and departments from the Expenses API, which needs the
    token scope ``expenses.card.readonly``; turn it off for a token without that scope (the
    transactions then come without cardholder or department). ``expenses_base_url`` is where
    the Expenses API lives when it is not at ``base_url``.
    """

    base_url: str = "https://platform.brexapis.com"
    page_size: int = Field(default=100, ge=1, le=1000)
    with_expenses: bool = True
    expenses_base_url: str | None = None


class BrexSecrets(ConnectorSecrets):
    """A Brex user token with ``transactions.card.readonly`` (and ``expenses.card.readonly``
    when ``with_expenses`` is on)."""

    api_token: SecretStr


class BrexConnector(ApiConnector[BrexConfig, BrexSecrets]):
    """Brex card transactions, MCC included when Brex gives one, cardholder and department
    from the card expenses."""

    slug: ClassVar[str] = "brex"
    display_name: ClassVar[str] = "Brex"
    Config: ClassVar[type[BrexConfig]] = BrexConfig
    Secrets: ClassVar[type[BrexSecrets]] = BrexSecrets
    lookback: ClassVar[timedelta] = timedelta(days=7)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        other = self.config.expenses_base_url
        if other is None:
            self._expenses_url = _EXPENSES_PATH  # relative: on the client's base_url
        else:
            parts = urlsplit(other)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.close()
                raise ConnectorConfigError(
                    f"{self.slug}: expenses_base_url {other!r} is not an http(s) URL"
                )
            self._expenses_url = other.rstrip("/") + "/" + _EXPENSES_PATH

    def _auth(self) -> httpx.Auth:
        return BearerAuth(self._secrets.api_token)

    def _check_response(self, response: httpx.Response, what: str) -> None:
        try:
            classify_response(response, what=what)
        except ConnectorConfigError as exc:
            path = response.request.url.path.rstrip("/")
            if response.status_code in (401, 403) and path.endswith("/" + _EXPENSES_PATH):
                raise ConnectorConfigError(
                    f"{exc}; cardholders come from the Brex Expenses API: grant the token the "
                    f"scope {_EXPENSES_SCOPE}, or set with_expenses to false"
                ) from None
            raise

    def check(self) -> None:
        """One small page of card transactions, and of card expenses when ``with_expenses``
        is on, so a missing scope shows up here rather than half-way through a sync."""
        self._json("GET", _PATH, what="Brex check", params={"limit": 1})
        if self.config.with_expenses:
            self._json("GET", self._expenses_url, what="Brex check (expenses)", params={"limit": 1})

    def fetch(self, window: SyncWindow, bookmark: str | None) -> Iterator[Page]:
        """Card transactions posted from ``window.start`` (all when ``None``) to before the
        UTC date of ``window.end``. ``bookmark`` is not read: the window already holds it.
        With ``with_expenses``, every card expense of the window is read before the first
        page is yielded (see the module docstring)."""
        holders: dict[str, Cardholder] = {}
        if self.config.with_expenses:
            for chunk in self.cardholder_pages(window):
                holders.update(chunk)
        guard = CursorGuard("Brex card transactions")
        params: dict[str, Any] = {"limit": self.config.page_size}
        if window.start is not None:
            params["posted_at_start"] = format_bookmark(window.start)
        end_date = window.end.date()
        while True:
            body = self._json("GET", _PATH, what="Brex card transactions", params=params)
            items = body.get("items")
            if not isinstance(items, list):
                raise ProviderProtocolError("Brex card transactions: the page has no items list")
            transactions: list[RawTransaction] = []
            rejected: list[Rejected] = []
            for item in as_list(items):
                try:
                    mapped = map_card_transaction(item, holders)
                except RecordError as exc:
                    rejected.append(Rejected(optional_str(item.get("id")), str(exc)))
                    continue
                if mapped is not None and (mapped.posted_date or mapped.transaction_date) < (
                    end_date
                ):
                    transactions.append(mapped)
            next_cursor = optional_str(body.get("next_cursor"))
            if next_cursor is None:
                yield Page(transactions, format_bookmark(window.end), rejected)
                return
            params["cursor"] = guard.follow(next_cursor)
            yield Page(transactions, None, rejected)

    def cardholder_pages(self, window: SyncWindow) -> Iterator[dict[str, Cardholder]]:
        """The card expenses purchased from ``window.start`` minus :data:`PURCHASE_SLACK` (all
        when ``None``) to ``window.end``, one map expense id -> :data:`Cardholder` per page.
        Expenses with neither user nor department are left out. Raises
        :class:`RepeatedCursorError` on a cursor seen twice, and :class:`ConnectorConfigError`
        naming the scope on a 401 or 403."""
        what = "Brex card expenses"
        guard = CursorGuard(what)
        params: dict[str, Any] = {
            "expand[]": ["user", "department"],
            "purchased_at_end": format_bookmark(window.end),
            "limit": self.config.page_size,
        }
        if window.start is not None:
            params["purchased_at_start"] = format_bookmark(window.start - PURCHASE_SLACK)
        # Thousands of expenses share a few people and departments: keep one copy of each.
        seen: dict[str, str] = {}

        def shared(value: str | None) -> str | None:
            return None if value is None else seen.setdefault(value, value)

        while True:
            body = self._json("GET", self._expenses_url, what=what, params=params)
            items = body.get("items")
            if not isinstance(items, list):
                raise ProviderProtocolError(f"{what}: the page has no items list")
            page: dict[str, Cardholder] = {}
            for item in as_list(items):
                expense_id = optional_str(item.get("id"))
                user_id, name, department = cardholder_of(item)
                if expense_id is not None and (user_id or name or department):
                    page[expense_id] = (shared(user_id), shared(name), shared(department))
            next_cursor = optional_str(body.get("next_cursor"))
            if next_cursor is None:
                yield page
                return
            params["cursor"] = guard.follow(next_cursor)
            yield page


def cardholder_of(expense: Mapping[str, Any]) -> Cardholder:
    """The :data:`Cardholder` of one Brex ``ExpandableExpense`` read with ``expand[]=user`` and
    ``expand[]=department``; what is missing or blank is ``None``."""
    user = expense.get("user")
    user = user if isinstance(user, Mapping) else {}
    department = expense.get("department")
    department = department if isinstance(department, Mapping) else {}
    names = (optional_str(user.get("first_name")), optional_str(user.get("last_name")))
    return (
        optional_str(user.get("id")) or optional_str(expense.get("user_id")),
        " ".join(n for n in names if n) or None,
        optional_str(department.get("name")),
    )


def map_card_transaction(
    item: Mapping[str, Any], holders: Mapping[str, Cardholder] | None = None
) -> RawTransaction | None:
    """One Brex ``CardTransaction`` as a :class:`RawTransaction`, or ``None`` when it is not
    spend. ``holders`` maps expense ids to their :data:`Cardholder`; a transaction whose
    ``expense_id`` is not in it has no cardholder. Raises :class:`RecordError` when a required
    field is unreadable."""
    external_id = optional_str(item.get("id"))
    if external_id is None:
        raise RecordError("no id")
    kind = optional_str(item.get("type"))
    if kind in _NOT_SPEND:
        return None
    money = item.get("amount")
    if not isinstance(money, Mapping):
        raise RecordError("no amount")
    minor = money.get("amount")
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise RecordError(f"amount {minor!r} is not an integer of minor units")
    if abs(minor) >= 10**15:
        raise RecordError(f"amount {minor} is out of range")
    currency = currency_code(money.get("currency") or "USD")
    if kind in _OUTGOING:
        minor = abs(minor)
    elif kind in _INCOMING:
        minor = -abs(minor)
    merchant = item.get("merchant")
    merchant = merchant if isinstance(merchant, Mapping) else {}
    description = optional_str(item.get("description"))
    descriptor = optional_str(merchant.get("raw_descriptor")) or description
    if descriptor is None:
        raise RecordError("no merchant descriptor or description")
    mcc = optional_str(merchant.get("mcc"))
    expense_id = optional_str(item.get("expense_id"))
    holder = holders.get(expense_id) if holders and expense_id else None
    user_id, name, department = holder or (None, None, None)
    return RawTransaction(
        external_id=external_id,
        transaction_date=iso_date(item.get("initiated_at_date"), "initiated_at_date"),
        posted_date=iso_date(item.get("posted_at_date"), "posted_at_date"),
        amount_minor=minor,
        currency=currency,
        descriptor=descriptor,
        merchant_name=description if description != descriptor else None,
        mcc=mcc if mcc is not None and mcc.isdigit() and len(mcc) == 4 else None,
        channel=Channel.CARD,
        cardholder_external_id=user_id,
        cardholder_name=name,
        department_name=department,
        raw=plain(dict(item)),
    )
