"""Structured logs with request ids, security headers, and the service's own Prometheus metrics."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.logging.config import LoggingConfig, StructLoggingConfig, default_json_serializer
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_SECRET_KEYS = re.compile(r"pass|token|secret|authorization|cookie|signature", re.IGNORECASE)

access_log = structlog.get_logger("clipstream.access")

UPLOADS = Counter("clipstream_uploads", "Finished uploads by outcome.", ["outcome"])


def _redact_secrets(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Last line of defence: a field whose name suggests a credential is never written out."""
    for key in event:
        if _SECRET_KEYS.search(key):
            event[key] = "[redacted]"
    return event


def logging_plugin() -> StructlogPlugin:
    """JSON logs through structlog; access logs come from `RequestContextMiddleware` instead of
    Litestar's request/response logging (which could log bodies, hence passwords)."""
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redact_secrets,
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(serializer=default_json_serializer),
    ]
    return StructlogPlugin(
        StructlogConfig(
            structlog_logging_config=StructLoggingConfig(
                processors=processors,
                log_exceptions="never",
                pretty_print_tty=False,
                cache_logger_on_first_use=False,  # loggers follow the current stdout (tests, reloads)
                standard_lib_logging_config=_standard_lib_logging(),
            ),
            enable_middleware_logging=False,
        )
    )


def _standard_lib_logging() -> LoggingConfig:
    """Records of the standard `logging` module (libraries, `logger.exception`) as JSON lines too.

    Litestar's default formatter for them has no exception formatting, so a record carrying
    `exc_info` (a 500's traceback) failed to serialise and was lost ("--- Logging error ---").
    """
    return LoggingConfig(
        formatters={
            "standard": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    structlog.stdlib.add_log_level,
                    structlog.stdlib.ExtraAdder(),
                    _redact_secrets,
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    structlog.processors.JSONRenderer(serializer=_json_or_repr),
                ],
            }
        }
    )


def _json_or_repr(value: Any, **_: Any) -> str:
    """JSON of a log line; a value JSON cannot hold is written as its `repr`."""
    return json.dumps(value, default=repr)


def user_id_of(scope: Scope) -> str | None:
    state = scope.get("state") or {}
    user_id = state.get("user_id")
    return str(user_id) if user_id else None


class RequestContextMiddleware:
    """Gives every request an id (the caller's `X-Request-ID` if sane, else a new one), echoes it,
    binds it to every log line of the request, and writes one access-log line at the end: method,
    route template (never the raw path: upload URLs carry credentials), status, duration, user."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope["headers"])
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                method=scope.get("method"),
                route=scope.get("path_template"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                user_id=user_id_of(scope),
            )
            structlog.contextvars.clear_contextvars()


def _request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == REQUEST_ID_HEADER and _VALID_REQUEST_ID.fullmatch(value):
            return value.decode()
    return uuid.uuid4().hex


_API_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_DOCS_CSP = (
    b"default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    b"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Security headers on every response (the docs page gets a CSP that lets it run)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self._hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith("/schema")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in _API_HEADERS:
                    if name not in present:
                        csp_for_docs = docs and name == b"content-security-policy"
                        headers.append((name, _DOCS_CSP if csp_for_docs else value))
                if self._hsts and b"strict-transport-security" not in present:
                    headers.append(
                        (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
                    )
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PoolCollector(Collector):
    """Database pool usage, read when Prometheus scrapes."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def collect(self) -> Iterable[GaugeMetricFamily]:
        pool: Any = self._engine.sync_engine.pool
        in_use = GaugeMetricFamily(
            "clipstream_db_pool_connections", "Database connections by state.", labels=["state"]
        )
        if hasattr(pool, "checkedout"):
            in_use.add_metric(["in_use"], float(pool.checkedout()))
            in_use.add_metric(["idle"], float(pool.checkedin()))
            in_use.add_metric(["overflow"], float(max(0, pool.overflow())))
        yield in_use
