"""Fakes shared by the API connector tests: a request log over ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from connectors.http import ApiConnector, Page

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Fake:
    """Routes requests to ``handler`` and remembers every one; ``sleeps`` logs retry waits."""

    handler: Handler
    requests: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return self.handler(request)

        return httpx.MockTransport(handle)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def build(
    cls: type[ApiConnector[Any, Any]],
    fake: Fake,
    config: dict[str, Any],
    secrets: dict[str, Any],
    **kwargs: Any,
) -> ApiConnector[Any, Any]:
    return cls(
        cls.Config.model_validate(config),
        cls.Secrets.model_validate(secrets),
        transport=fake.transport(),
        sleep=fake.sleep,
        **kwargs,
    )


def drain(pages: Any) -> list[Page]:
    return list(pages)
