"""create_app(): routers, middleware and error handlers — nothing else."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import __version__
from app.api.authorise_first import authorise
from app.api.body_limit import BodyLimitMiddleware
from app.api.problems import install_handlers
from app.api_keys.router import router as api_keys_router
from app.audit.router import router as audit_router
from app.candidates.router import router as candidates_router
from app.cardholders.router import router as cardholders_router
from app.classification.router import router as classification_router
from app.config import SchedulerMode, get_settings
from app.connections.router import router as connections_router
from app.dashboard.candidates import router as candidates_page_router
from app.dashboard.router import router as dashboard_router
from app.dashboard.signin_first import signed_in_first
from app.db import get_engine, read_only_bind
from app.departments.router import router as departments_router
from app.feeds.router import router as feeds_router
from app.findings.reclassify_router import router as reclassify_router
from app.findings.router import router as findings_router
from app.fx.router import router as fx_router
from app.imports.router import router as imports_router
from app.insights.router import router as insights_router
from app.jobs.router import router as jobs_router
from app.logging import configure, request_id_var
from app.registrations.router import router as registrations_router
from app.rules.router import router as rules_router
from app.sanctioned.router import router as sanctioned_router
from app.transactions.router import router as transactions_router
from app.vendors.router import router as vendors_router

log = logging.getLogger("shadowspend.http")

API_PREFIX = "/api/v1"
_PROBLEM_RESPONSE: dict[int | str, dict[str, Any]] = {
    code: {
        "description": desc,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
    for code, desc in (
        (400, "Bad request"),
        (401, "Missing or invalid API key"),
        (403, "The key's role or department may not do this"),
        (404, "Not found"),
        (409, "Conflict"),
        (422, "Validation failed or a business rule refused the request"),
    )
}


# Every router mounted under /api/v1 (the auth-matrix test walks this list).
# Starlette matches routes in order: the busiest reads (the IT review queue, spend) come first.
API_ROUTERS: tuple[APIRouter, ...] = (
    findings_router,
    transactions_router,
    feeds_router,
    departments_router,
    cardholders_router,
    connections_router,
    api_keys_router,
    audit_router,
    candidates_router,  # before vendors_router: /vendors/{vendor_id} would take its path
    vendors_router,
    rules_router,
    classification_router,
    reclassify_router,
    jobs_router,
    imports_router,
    fx_router,
    sanctioned_router,
    registrations_router,
    insights_router,
)


def api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX, responses=_PROBLEM_RESPONSE)
    for sub in API_ROUTERS:
        router.include_router(sub)
    return router


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    # Refuse to start with a missing or weak key (raises ConfigError, saying what to set).
    settings.resolve_secret_key()
    settings.resolve_previous_secret_keys()
    scheduler = None
    if (
        settings.scheduler_mode == SchedulerMode.EMBEDDED
        and os.environ.get("SHADOWSPEND_EMBED_SCHEDULER", "1") == "1"
    ):
        from app.scheduler import start_background

        scheduler = start_background()
    try:
        yield
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        from app.jobs.runner import runner

        runner.shutdown()


class RequestContextMiddleware:
    """Pure ASGI (cheaper than BaseHTTPMiddleware on every request): a request id on the
    request state, the response and every log line; one access log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        rid = given.decode("latin-1")[:64] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", rid.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = (time.perf_counter() - started) * 1000
            path = scope.get("path", "")
            log.info(
                "%s %s -> %s (%.1f ms)",
                scope.get("method"),
                path,
                status,
                duration,
                extra={
                    "method": scope.get("method"),
                    "path": path,
                    "status": status,
                    "duration_ms": round(duration, 1),
                },
            )
            request_id_var.reset(token)


def create_app() -> FastAPI:
    settings = get_settings()
    configure(settings.log_level, json_logs=settings.json_logs)
    # FastAPIOffline serves Swagger UI and ReDoc from the assets its package ships, not from a
    # CDN: self-hosted users may be offline.
    app = FastAPIOffline(
        lifespan=_lifespan,
        title="shadowspend",
        version=__version__,
        summary="Which software are we paying for, who bought it, and did IT know?",
        description=(
            "Authenticate with `Authorization: Bearer <api key>`. Errors are "
            "`application/problem+json` (RFC 9457). Lists return `{items, next_cursor}`; pass "
            "`cursor` back for the next page."
        ),
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url="/redoc",
        static_url="/docs-assets",
    )
    install_handlers(app)
    app.include_router(api_router())
    app.include_router(dashboard_router)
    app.include_router(candidates_page_router)

    # Inside the request context (413s carry its id). Before a body is read, an API caller is
    # authorised and a console form's poster must be signed in: a refusal leaves it unread.
    app.add_middleware(BodyLimitMiddleware, gates=(authorise, signed_in_first))
    app.add_middleware(RequestContextMiddleware)

    @app.get("/healthz", tags=["health"], response_model=dict[str, str])
    def healthz() -> JSONResponse:
        """Liveness and database check; needs no key."""
        try:
            with read_only_bind(get_engine()).connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("health check: database unreachable: %s", exc.__class__.__name__)
            return JSONResponse(
                {"status": "unavailable", "database": "unreachable"}, status_code=503
            )
        return JSONResponse({"status": "ok", "database": "ok"})

    _add_problem_schema(app)
    return app


def _add_problem_schema(app: FastAPI) -> None:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = {
            "type": "object",
            "description": "RFC 9457 problem details",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": ["string", "null"]},
                "instance": {"type": "string"},
                "request_id": {"type": "string"},
            },
            "required": ["type", "title", "status"],
            "additionalProperties": True,
        }
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
