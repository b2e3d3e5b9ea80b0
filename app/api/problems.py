"""Every error the service answers, as RFC 9457 problem+json: one set of handlers, installed
by app.main. The error tree (app.errors) carries the status; this module renders it."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.errors import AppError

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("shadowspend.errors")


def problem(
    status: int,
    title: str,
    detail: str | None,
    *,
    request: Request,
    type_slug: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://shadowspend.dev/problems/{type_slug}" if type_slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def app_error_response(
    exc: AppError, request: Request, *, headers: dict[str, str] | None = None
) -> JSONResponse:
    """``exc`` as problem+json (a 401 says the scheme to use in ``WWW-Authenticate``)."""
    challenge = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return problem(
        exc.status,
        exc.title,
        exc.detail,
        request=request,
        type_slug=exc.type_slug,
        extra=exc.extra,
        headers={**challenge, **(headers or {})} or None,
    )


def _jsonable_errors(errors: Any) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in errors
    ]


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return app_error_response(exc, request)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _jsonable_errors(exc.errors())
        first = errors[0] if errors else None
        detail = (
            f"{'.'.join(first['loc'])}: {first['msg']}" if first else "The request is not valid"
        )
        return problem(
            422,
            "Validation failed",
            detail,
            request=request,
            type_slug="validation",
            extra={"errors": errors},
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = HTTPStatus(exc.status_code).phrase
        detail = exc.detail if isinstance(exc.detail, str) else title
        return problem(
            exc.status_code,
            title,
            detail,
            request=request,
            headers=dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        # A constraint the service did not check first (a race between two writers).
        log.warning("integrity error: %s", exc.orig.__class__.__name__ if exc.orig else exc)
        return problem(
            409,
            "Conflict",
            "the change conflicts with existing data (a concurrent write or a reference)",
            request=request,
            type_slug="conflict",
        )

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
        # A number or value the database cannot store (ids beyond 64 bits, say).
        return problem(
            422,
            "Validation failed",
            "a value is out of the range the service accepts",
            request=request,
            type_slug="validation",
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return problem(
            500,
            "Internal server error",
            "An unexpected error occurred; the request id identifies it in the logs",
            request=request,
            type_slug="internal",
        )
