"""`ProblemBodiesMiddleware`: request-line and header limits, and a problem-details body on every
error response, whoever made it.

The HTTP server (granian) answers requests it cannot parse at all (a URI over 64 KiB, more than 100
header fields, a malformed request line) by itself, with an empty body: those never reach the
application. Everything it lets through is checked here against tighter limits, so an oversized
URI or header block is answered by the application, with a problem-details body (414, 431). Error
responses that some part of the stack writes without problem details (the OpenAPI router's HTML
404 page, a bare response of a library) get one too: clients can rely on `application/problem+json`
for every 4xx and 5xx.
"""

from __future__ import annotations

from http import HTTPStatus

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

MAX_URI_BYTES = 8 * 1024  # path and query string, as sent
MAX_HEADER_BYTES = 32 * 1024  # every header name and value together
MAX_HEADER_FIELDS = 64
PROBLEM_JSON = b"application/problem+json"
_DROPPED = frozenset(
    {b"content-type", b"content-length", b"transfer-encoding", b"content-encoding"}
)


def problem_body(status: int, detail: str | None = None) -> bytes:
    """A problem-details body for `status` (its standard description when no detail is given)."""
    try:
        known = HTTPStatus(status)
        title, description = known.phrase, known.description
    except ValueError:
        title, description = "Error", ""
    return msgspec.json.encode(
        {
            "type": "about:blank",
            "title": title,
            "status": status,
            "detail": description if detail is None else detail,
        }
    )


async def send_problem(send: Send, status: int, detail: str, *, head: bool = False) -> None:
    """Answer with a problem-details body (none for HEAD, with its length)."""
    body = problem_body(status, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body, "more_body": False})


def _too_large(scope: Scope) -> tuple[int, str] | None:
    uri = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    if uri > MAX_URI_BYTES:
        return 414, f"The URI has more than {MAX_URI_BYTES} bytes."
    headers = list(scope["headers"])
    if len(headers) > MAX_HEADER_FIELDS:
        return 431, f"The request has more than {MAX_HEADER_FIELDS} header fields."
    if sum(len(name) + len(value) for name, value in headers) > MAX_HEADER_BYTES:
        return 431, f"The request's header fields exceed {MAX_HEADER_BYTES} bytes."
    return None


class ProblemBodiesMiddleware:
    """Refuses oversized URIs and headers (414, 431), and gives every error response a
    problem-details body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if (refusal := _too_large(scope)) is not None:
            await send_problem(send, *refusal, head=head)
            return
        held: HTTPResponseStartEvent | None = None

        async def send_problems(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if message["status"] >= 400 and not content_type.startswith(PROBLEM_JSON):
                    held = message  # replaced once its body has gone by
                    return
            elif held is not None and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                status = held["status"]
                body = problem_body(status)
                kept = [(k, v) for k, v in held.get("headers", []) if k.lower() not in _DROPPED]
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [
                            *kept,
                            (b"content-type", PROBLEM_JSON),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"" if head else body,
                        "more_body": False,
                    }
                )
                return
            await send(message)

        await self.app(scope, receive, send_problems)
