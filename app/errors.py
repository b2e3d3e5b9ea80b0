"""One error tree. Each error carries its HTTP status; app.api.problems renders it as RFC 9457
problem+json (the tree itself knows no web framework, so services and the kit can raise it)."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An expected failure with its HTTP status. Services raise these, never HTTPException."""

    status: int = 400
    title: str = "Bad request"
    type_slug: str = "bad-request"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra or {}


class NotFound(AppError):
    status, title, type_slug = 404, "Not found", "not-found"


class Conflict(AppError):
    status, title, type_slug = 409, "Conflict", "conflict"


class Unprocessable(AppError):
    """A business rule refuses the request (the body was well-formed)."""

    status, title, type_slug = 422, "Unprocessable request", "unprocessable"


class Unauthorized(AppError):
    status, title, type_slug = 401, "Unauthorized", "unauthorized"


class Forbidden(AppError):
    status, title, type_slug = 403, "Forbidden", "forbidden"


class PreconditionFailed(AppError):
    status, title, type_slug = 412, "Precondition failed", "precondition-failed"


class PayloadTooLarge(AppError):
    status, title, type_slug = 413, "Payload too large", "payload-too-large"
