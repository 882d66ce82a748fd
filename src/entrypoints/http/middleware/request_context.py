"""`RequestContextMiddleware`: a request id on every request and response, one access-log line."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable

import msgspec
import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{1,128}")
_LONG_SEGMENT = 40  # longer than a UUID: in a path that matched no route, possibly a credential

access_log = structlog.get_logger("clipstream.access")


def user_id_of(scope: Scope) -> str | None:
    state = scope.get("state") or {}
    user_id = state.get("user_id")
    return str(user_id) if user_id else None


class RequestContextMiddleware:
    """Gives every request an id (the caller's `X-Request-ID` if sane, else a new one), echoes it,
    binds it to every log line of the request, and writes one access-log line at the end: method,
    route template (never the raw path: upload URLs carry credentials), status, duration, user.

    `for_console` (logs read by a person, in development) adds the path itself (with the template
    in place of a path that carries a credential) and, for an error, the problem's title and detail.
    """

    def __init__(self, app: ASGIApp, *, for_console: bool = False) -> None:
        self.app = app
        self.for_console = for_console

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope["headers"])
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500
        problem: str | None = None

        async def send_with_id(message: Message) -> None:
            nonlocal status, problem
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (REQUEST_ID_HEADER, request_id.encode()),
                ]
            elif self.for_console and status >= 400 and problem is None:
                body = message.get("body", b"")
                problem = _problem_of(body if isinstance(body, bytes) else b"")
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            console = {"path": _shown_path(scope), "problem": problem} if self.for_console else {}
            access_log.info(
                "request",
                method=scope.get("method"),
                route=scope.get("path_template"),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
                user_id=user_id_of(scope),
                **console,
            )
            structlog.contextvars.clear_contextvars()


def _request_id(headers: Iterable[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == REQUEST_ID_HEADER and _VALID_REQUEST_ID.fullmatch(value):
            return value.decode()
    return uuid.uuid4().hex


def _shown_path(scope: Scope) -> str:
    """The request's path, with its route's template when the path carries a credential (signed
    upload and media URLs); a path that matched no route has its long segments (what a token
    would be) elided."""
    template = scope.get("path_template")
    if template and "{token" in template:
        return str(template)
    path = str(scope.get("path", ""))
    if template:
        return path
    return "/".join(s if len(s) < _LONG_SEGMENT else "…" for s in path.split("/"))


def _problem_of(body: bytes) -> str:
    """`Title: detail` of a problem-details body (its first chunk), or '' for another body."""
    try:
        problem = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return ""
    if not isinstance(problem, dict):
        return ""
    title, detail = str(problem.get("title", "")), str(problem.get("detail", ""))
    return f"{title}: {detail}"[:300] if detail else title
