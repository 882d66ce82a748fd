"""`RequestContextMiddleware`: a request id on every request and response, one access-log line."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

access_log = structlog.get_logger("clipstream.access")


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
