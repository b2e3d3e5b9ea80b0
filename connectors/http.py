"""What every HTTP API connector shares: the contract, the client, retries and pagination guards.

The service drives a connector like this::

    Cls = registry.get(conn.slug)
    with Cls(Cls.Config.model_validate(conn.config), Cls.Secrets.model_validate(secrets),
             on_secrets_rotated=store_new_secrets) as connector:
        connector.check()                   # ConnectorConfigError with a human message
        window = connector.plan(conn.bookmark, now=utc_now())   # end frozen here
        for page in connector.fetch(window, conn.bookmark):
            upsert(page.transactions)       # removed=True rows void the stored one
            count(page.rejected)
            if page.next_bookmark is not None:
                conn.bookmark = page.next_bookmark
            commit()                        # rows and bookmark together

Contract:

* ``fetch`` yields :class:`Page` objects lazily; nothing is fetched before the first ``next()``.
  A consumer that stops iterating (a killed sync) loses nothing as long as it stored the
  ``next_bookmark`` of the last page it committed: the next run resumes from it.
* ``Page.next_bookmark`` is an opaque string the service stores as is, or ``None`` meaning "no
  safe resume point yet: keep the bookmark you have". The last page of a complete sync always
  carries one. Timestamp bookmarks are ISO 8601 UTC; Plaid's is its sync cursor.
* Errors: :class:`~connectors.base.ConnectorConfigError` (a human must act; never retried;
  includes :class:`ProviderProtocolError` and :class:`RepeatedCursorError`) and
  :class:`~connectors.base.ConnectorTransientError` (raised only once the bounded retries with
  backoff are exhausted; the service may retry the whole sync later, honouring
  ``retry_after``). Nothing else escapes ``check`` or ``fetch``.
* Every datetime in and out is timezone-aware UTC.
"""

from __future__ import annotations

import base64
import json
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Generic, Literal, Self, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
)
from tenacity.stop import stop_base

from connectors.base import (
    ConnectorConfigError,
    ConnectorTransientError,
    RawTransaction,
    SyncWindow,
)
from connectors.money import AmountError, to_minor

__all__ = [
    "ApiConnector",
    "ConnectorConfig",
    "ConnectorSecrets",
    "CursorGuard",
    "Page",
    "ProviderProtocolError",
    "Rejected",
    "RepeatedCursorError",
    "RetryPolicy",
    "format_bookmark",
    "parse_bookmark",
]

_CURRENCY = re.compile(r"^[A-Z]{3}$")


class ProviderProtocolError(ConnectorConfigError):
    """The provider answered in a way this connector cannot follow (not JSON, a broken page).

    A :class:`ConnectorConfigError` because retrying will not help: someone has to look.
    """


class RepeatedCursorError(ProviderProtocolError):
    """A paginated endpoint handed back a cursor it had already given in this sync.

    Following it would loop forever (a static mock server does exactly that).
    """


@dataclass(frozen=True, slots=True)
class Rejected:
    """A provider record that could not be read (bad currency, unparsable amount or date).

    It is reported, not silently dropped, so the service can count it on the sync run.
    """

    external_id: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Page:
    """One committed-at-once batch of a sync.

    ``next_bookmark`` is where a later sync resumes once this page and all before it are
    committed, or ``None`` when this page offers no safe resume point (keep the old one).
    """

    transactions: list[RawTransaction]
    next_bookmark: str | None
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries of transient failures with exponential backoff.

    The wait before attempt ``n`` (n >= 2) is the provider's Retry-After when it sent one, else
    ``base_seconds * 2 ** (n - 2)`` capped at ``max_wait_seconds``. A Retry-After longer than
    ``max_wait_seconds`` (a daily quota, say) is not slept through: the
    :class:`ConnectorTransientError` is raised at once, carrying ``retry_after`` for the
    scheduler. ``max_attempts`` counts the first try.
    """

    max_attempts: int = 5
    base_seconds: float = 1.0
    max_wait_seconds: float = 60.0


class ConnectorConfig(BaseModel):
    """Non-secret settings every API connector has. Subclasses add their own fields.

    ``base_url`` is the full URL the API's paths are appended to, including any path prefix
    (Xero's ``/api.xro/2.0``), so a proxy or mock server can stand in for the provider.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    connect_timeout_seconds: float = Field(default=10.0, gt=0, le=120)


class ConnectorSecrets(BaseModel):
    """Secret settings; every field is a :class:`pydantic.SecretStr`, none may be blank."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _not_blank(self) -> Self:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and not value.get_secret_value().strip():
                raise ValueError(f"{name} must not be blank")
        return self


ConfigT = TypeVar("ConfigT", bound=ConnectorConfig)
SecretsT = TypeVar("SecretsT", bound=ConnectorSecrets)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: connectors only take timezone-aware UTC")
    return value.astimezone(UTC)


def format_bookmark(value: datetime) -> str:
    """A timestamp bookmark: ISO 8601 in UTC with a ``+00:00`` offset."""
    return _utc(value).isoformat()


def parse_bookmark(value: str) -> datetime:
    """Read a timestamp bookmark back. Raises :class:`ConnectorConfigError` when it is not one
    (for example a bookmark written by another connector)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ConnectorConfigError(f"stored bookmark {value!r} is not a timestamp") from None
    if parsed.tzinfo is None:
        raise ConnectorConfigError(f"stored bookmark {value!r} has no time zone")
    return parsed.astimezone(UTC)


class CursorGuard:
    """Remembers the cursors one pagination has followed and refuses any it has seen."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._seen: set[str] = set()

    def follow(self, cursor: str) -> str:
        """Return ``cursor`` if it is new; raise :class:`RepeatedCursorError` otherwise."""
        if cursor in self._seen:
            raise RepeatedCursorError(
                f"{self._what}: the provider returned the cursor {cursor[:60]!r} a second "
                f"time after {len(self._seen)} page(s); stopping instead of looping"
            )
        self._seen.add(cursor)
        return cursor


class _RetryAfterBeyond(stop_base):
    """Stop retrying when the provider asks for a longer wait than we are willing to sleep."""

    def __init__(self, limit: float) -> None:
        self.limit = limit

    def __call__(self, retry_state: RetryCallState) -> bool:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        return (
            isinstance(error, ConnectorTransientError)
            and error.retry_after is not None
            and error.retry_after > self.limit
        )


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("Retry-After")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _provider_message(response: httpx.Response) -> str:
    """A short, human-readable reason from an error body; never echoes the request."""
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or ""
    if isinstance(body, dict):
        parts = []
        for key in (
            "error_code",
            "error_message",
            "message",
            "error_description",
            "error",
            "detail",
            "title",
            "Detail",
            "Message",
        ):
            value = body.get(key)
            if isinstance(value, str) and value and value not in parts:
                parts.append(value)
        if isinstance(body.get("error_v2"), dict):
            parts.append(str(body["error_v2"].get("message", "")))
        if parts:
            return "; ".join(parts)[:300]
    return response.reason_phrase or ""


_STATUS_HINT = {
    400: "the provider refused the request",
    401: "the credentials were refused; check them or reconnect",
    403: "the credentials lack a permission or scope this connector needs",
    404: "nothing at that URL; check the base URL",
}


def classify_response(response: httpx.Response, *, what: str) -> None:
    """Raise the right :class:`ConnectorError` for a non-2xx response; return for 2xx.

    429 and 5xx (and 408) are transient; every other 4xx is a configuration error.
    """
    status = response.status_code
    if 200 <= status < 300:
        return
    message = _provider_message(response)
    if status in (408, 429) or status >= 500:
        raise ConnectorTransientError(
            f"{what}: HTTP {status} {message}".strip(), retry_after=_retry_after(response)
        )
    hint = _STATUS_HINT.get(status, "the provider refused the request")
    raise ConnectorConfigError(f"{what}: HTTP {status}, {hint} ({message})".rstrip(" ()"))


class ApiConnector(ABC, Generic[ConfigT, SecretsT]):
    """Base of the HTTP API connectors. Subclasses declare the class attributes and implement
    :meth:`check` and :meth:`fetch`.

    Build one per sync: ``Cls(config, secrets, transport=None)``. ``transport`` replaces the
    network (tests pass ``httpx.MockTransport``); ``sleep`` replaces :func:`time.sleep` between
    retries; ``on_secrets_rotated`` is called with the new :attr:`Secrets` the moment a provider
    rotates one (Xero's refresh token is single use: store it before anything else).
    Use as a context manager or call :meth:`close`.
    """

    slug: ClassVar[str]
    display_name: ClassVar[str]
    Config: ClassVar[type[ConnectorConfig]]
    Secrets: ClassVar[type[ConnectorSecrets]]
    #: How far before the stored bookmark a sync starts, to catch late postings.
    lookback: ClassVar[timedelta]
    #: ``"timestamp"``: bookmarks are ISO 8601 UTC instants (the window is derived from them);
    #: ``"cursor"``: bookmarks are the provider's opaque sync cursor.
    bookmark_kind: ClassVar[Literal["timestamp", "cursor"]] = "timestamp"

    def __init__(
        self,
        config: ConfigT,
        secrets: SecretsT,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy | None = None,
        on_secrets_rotated: Callable[[SecretsT], None] | None = None,
    ) -> None:
        if not isinstance(config, self.Config):
            raise ConnectorConfigError(f"{self.slug}: config must be a {self.Config.__name__}")
        if not isinstance(secrets, self.Secrets):
            raise ConnectorConfigError(f"{self.slug}: secrets must be a {self.Secrets.__name__}")
        base = urlsplit(config.base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ConnectorConfigError(
                f"{self.slug}: base_url {config.base_url!r} is not an http(s) URL"
            )
        self.config = config
        self._secrets = secrets
        self._sleep = sleep
        self._retry = retry or RetryPolicy()
        self._on_secrets_rotated = on_secrets_rotated
        self._client = httpx.Client(
            base_url=config.base_url.rstrip("/") + "/",
            transport=transport,
            timeout=httpx.Timeout(config.timeout_seconds, connect=config.connect_timeout_seconds),
            auth=self._auth(),
            headers={"Accept": "application/json", "User-Agent": "shadowspend-connector"},
            follow_redirects=False,
        )

    # -- to implement ------------------------------------------------------------------------

    @abstractmethod
    def _auth(self) -> httpx.Auth:
        """The :class:`httpx.Auth` that signs every request."""

    @abstractmethod
    def check(self) -> None:
        """Verify credentials and reachability with one cheap call.

        Raises :class:`ConnectorConfigError` with a message a human can act on, or
        :class:`ConnectorTransientError` when the provider is down.
        """

    @abstractmethod
    def fetch(self, window: SyncWindow, bookmark: str | None) -> Iterator[Page]:
        """Yield the transactions of ``window`` page by page (see the module docstring)."""

    # -- shared -------------------------------------------------------------------------------

    @property
    def secrets(self) -> SecretsT:
        """The current secrets, including any the provider rotated during this session."""
        return self._secrets

    def _rotate_secrets(self, new: SecretsT) -> None:
        self._secrets = new
        if self._on_secrets_rotated is not None:
            self._on_secrets_rotated(new)

    def plan(self, bookmark: str | None, *, now: datetime) -> SyncWindow:
        """The window a sync should ask for: from the bookmark minus :attr:`lookback` (or the
        beginning when there is none) to ``now``, which is frozen for the whole sync.

        Cursor-based connectors (Plaid) ignore the window's start; they resume from the
        bookmark itself.
        """
        end = _utc(now)
        if bookmark is None or self.bookmark_kind == "cursor":
            return SyncWindow(start=None, end=end)
        start = parse_bookmark(bookmark) - self.lookback
        return SyncWindow(start=min(start, end), end=end)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, state: RetryCallState) -> float:
        policy = self._retry
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, ConnectorTransientError) and error.retry_after is not None:
            return min(error.retry_after, policy.max_wait_seconds)
        return min(policy.base_seconds * 2.0 ** (state.attempt_number - 1), policy.max_wait_seconds)

    def _retrying(self) -> Retrying:
        return Retrying(
            retry=retry_if_exception_type(ConnectorTransientError),
            stop=stop_after_attempt(self._retry.max_attempts)
            | _RetryAfterBeyond(self._retry.max_wait_seconds),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )

    def _send_once(self, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise ConnectorTransientError(f"{what}: timed out ({type(exc).__name__})") from exc
        except httpx.LocalProtocolError as exc:
            # Our own request is malformed (a header value with a newline, say): not transient.
            raise ConnectorConfigError(f"{what}: the request is invalid ({exc})") from exc
        except httpx.TransportError as exc:
            raise ConnectorTransientError(
                f"{what}: could not reach the provider ({type(exc).__name__})"
            ) from exc
        except httpx.HTTPError as exc:  # pragma: no cover - defensive (invalid URL and such)
            raise ConnectorConfigError(f"{what}: {exc}") from exc
        self._check_response(response, what)
        return response

    def _check_response(self, response: httpx.Response, what: str) -> None:
        """Raise for an error response. Connectors override it for provider error codes."""
        classify_response(response, what=what)

    def _request(self, method: str, url: str, *, what: str, **kwargs: Any) -> httpx.Response:
        """Send with bounded retries of transient failures; return a 2xx response."""
        response: httpx.Response = self._retrying()(self._send_once, method, url, what, **kwargs)
        return response

    def _json(self, method: str, url: str, *, what: str, **kwargs: Any) -> dict[str, Any]:
        """:meth:`_request` and parse a JSON object, keeping decimals exact."""
        response = self._request(method, url, what=what, **kwargs)
        try:
            body = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            raise ProviderProtocolError(
                f"{what}: the answer is not JSON; is the base URL right?"
            ) from None
        if not isinstance(body, dict):
            raise ProviderProtocolError(f"{what}: expected a JSON object")
        return body


# -- record helpers used by the connectors ----------------------------------------------------


class RecordError(ValueError):
    """One provider record cannot be mapped; becomes a :class:`Rejected`."""


def currency_code(value: object) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value.strip().upper()):
        raise RecordError(f"currency {value!r} is not an ISO 4217 code")
    return value.strip().upper()


def decimal_minor(value: object, currency: str) -> int:
    """Minor units from a decimal amount in major units (Ramp, Plaid, Xero)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise RecordError(f"amount {value!r} is not a number")
    try:
        return to_minor(value if isinstance(value, Decimal) else str(value), currency)
    except AmountError as exc:
        raise RecordError(str(exc)) from None


def iso_date(value: object, what: str) -> date:
    """A calendar date from ``YYYY-MM-DD`` or the date part of an ISO 8601 date-time as the
    provider wrote it (no conversion to UTC: the provider's calendar day is the one shown)."""
    if not isinstance(value, str) or len(value) < 10:
        raise RecordError(f"{what} {value!r} is not a date")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RecordError(f"{what} {value!r} is not a date") from None


def optional_str(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def secret(value: SecretStr) -> str:
    return value.get_secret_value()


def as_list(value: object) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def plain(value: object) -> Any:
    """A JSON-safe copy for ``RawTransaction.raw`` (decimals become strings, exactly)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


# -- auth ----------------------------------------------------------------------------------------


class BearerAuth(httpx.Auth):
    """A static bearer token (Brex user tokens)."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {secret(self._token)}"
        yield request


class HeaderAuth(httpx.Auth):
    """Fixed secret headers (Plaid's ``PLAID-CLIENT-ID`` / ``PLAID-SECRET``), plus any
    non-secret ones the provider's auth scheme wants alongside."""

    def __init__(
        self, headers: Mapping[str, SecretStr], *, public: Mapping[str, str] | None = None
    ) -> None:
        self._headers = dict(headers)
        self._public = dict(public or {})

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        for name, value in self._headers.items():
            request.headers[name] = secret(value)
        request.headers.update(self._public)
        yield request


class OAuth2TokenAuth(httpx.Auth):
    """OAuth 2 bearer auth that fetches its own access token from a token endpoint.

    ``build_token_request`` makes the grant request (client credentials, or refresh token);
    ``on_token`` sees every successful token response (Xero rotates its refresh token there).
    The token is cached until 60 s before ``expires_in``; a 401 with a cached token fetches a
    new one once and retries the request. A refused grant raises
    :class:`ConnectorConfigError`; a token endpoint that is down raises
    :class:`ConnectorTransientError` (retried by the connector like any other call).
    """

    requires_response_body = True

    def __init__(
        self,
        build_token_request: Callable[[], httpx.Request],
        *,
        what: str,
        on_token: Callable[[Mapping[str, Any]], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build_token_request
        self._what = what
        self._on_token = on_token
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0

    def _valid(self) -> bool:
        return self._token is not None and self._clock() < self._expires_at

    def _accept(self, response: httpx.Response) -> None:
        what = f"{self._what} token"
        if response.status_code in (400, 401):
            message = _provider_message(response)
            raise ConnectorConfigError(
                f"{what}: the provider refused the credentials ({message}); "
                "check the client id and secret, or reconnect to get a new refresh token"
            )
        classify_response(response, what=what)
        try:
            body = response.json()
        except ValueError:
            raise ProviderProtocolError(f"{what}: the token answer is not JSON") from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ProviderProtocolError(f"{what}: the token answer has no access_token")
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 600.0
        self._token = token
        self._expires_at = self._clock() + max(0.0, lifetime - 60.0)
        if self._on_token is not None:
            self._on_token(body)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        fresh = False
        if not self._valid():
            self._accept((yield self._build()))
            fresh = True
        request.headers["Authorization"] = f"Bearer {self._token}"
        response = yield request
        if response.status_code == 401 and not fresh:
            self._accept((yield self._build()))
            request.headers["Authorization"] = f"Bearer {self._token}"
            yield request


def basic_credentials(client_id: SecretStr, client_secret: SecretStr) -> str:
    """The value of an ``Authorization: Basic`` header for OAuth client credentials."""
    pair = f"{secret(client_id)}:{secret(client_secret)}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def utc_timestamp(value: object, what: str) -> datetime:
    """An aware UTC datetime from an ISO 8601 string that carries an offset."""
    if not isinstance(value, str):
        raise RecordError(f"{what} {value!r} is not a timestamp")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"{what} {value!r} is not a timestamp") from None
    if parsed.tzinfo is None:
        raise RecordError(f"{what} {value!r} has no time zone")
    return parsed.astimezone(UTC)
