"""Answers that carry media (videos, segments, posters, avatars, playlists): redirects to storage,
byte ranges, conditional requests, `HEAD`, cache lifetimes and a policy that lets a browser's own
player show them.

The API's default `Content-Security-Policy` (`default-src 'none'`) would stop the player a browser
builds when a media URL is opened directly (it loads the URL as media of its own document). Media
answers carry their own policy instead: media and images from this origin, and nothing that runs
(no scripts, objects, forms or framing).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect, Stream

from application.common.object_reads import ObjectRead
from entrypoints.http.errors import problem
from entrypoints.http.ranges import UnsatisfiableRange, parse_range

MEDIA_CSP = (
    "media-src 'self'; img-src 'self'; script-src 'none'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Objects behind a URL that changes with them (versioned posters and avatars, signed segments).
IMMUTABLE = "max-age=31536000, immutable"
SHORT = "max-age=60"
REDIRECT_CACHE = "no-store"  # the storage URL it points at expires


def media_headers(cache_control: str) -> dict[str, str]:
    return {
        "Cache-Control": cache_control,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": MEDIA_CSP,
    }


def _matches(if_none_match: str | None, etag: str) -> bool:
    """Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for it)."""
    if not if_none_match or not etag:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def redirect_response(url: str) -> Response[Any]:
    return Redirect(url, status_code=302, headers={"Cache-Control": REDIRECT_CACHE})


def object_response(
    request: Request[Any, Any, Any], plan: ObjectRead, *, cache_control: str
) -> Response[Any]:
    """A redirect to storage, or the bytes: 200, 206 for a `Range`, 304 for a matching
    `If-None-Match`, 416 for a range past the end; `HEAD` gets the same headers and no body."""
    if plan.redirect_url is not None:
        return redirect_response(plan.redirect_url)
    headers = {"Accept-Ranges": "bytes", "ETag": plan.etag, **media_headers(cache_control)}
    if _matches(request.headers.get("if-none-match"), plan.etag):
        return Response(b"", status_code=304, headers=headers)
    if_range = request.headers.get("if-range")
    range_header = request.headers.get("range") if if_range in (None, plan.etag) else None
    try:
        byte_range = parse_range(range_header, plan.size_bytes)
    except UnsatisfiableRange:
        raise problem(
            416,
            f"The range is outside the file's {plan.size_bytes} bytes.",
            headers={"Content-Range": f"bytes */{plan.size_bytes}"},
        ) from None
    start, end = byte_range or (0, plan.size_bytes - 1)
    status = 206 if byte_range is not None else 200
    headers["Content-Length"] = str(max(0, end - start + 1))
    if byte_range is not None:
        headers["Content-Range"] = f"bytes {start}-{end}/{plan.size_bytes}"
    if request.method == "HEAD" or plan.size_bytes == 0:
        return Response(b"", status_code=status, headers=headers, media_type=plan.content_type)
    return Stream(
        plan.read(start, end), status_code=status, media_type=plan.content_type, headers=headers
    )


def bytes_response(
    request: Request[Any, Any, Any],
    data: bytes,
    *,
    content_type: str,
    etag: str | None,
    cache_control: str,
) -> Response[Any]:
    """Small bytes held in memory (a playlist, an avatar): 200 or 304; `HEAD` without the body."""
    headers = media_headers(cache_control)
    if etag is not None:
        headers["ETag"] = etag
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(b"", status_code=304, headers=headers)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(data))
        return Response(b"", headers=headers, media_type=content_type)
    return Response(data, headers=headers, media_type=content_type)


def media_responses(media_type: str, *, redirects: bool, ranges: bool) -> dict[int, ResponseSpec]:
    """The OpenAPI answers of a media route (besides its problems)."""
    specs = {
        200: ResponseSpec(
            bytes, media_type=media_type, description="The file.", generate_examples=False
        ),
        304: ResponseSpec(
            None, description="Not modified: `If-None-Match` names the current ETag."
        ),
    }
    if ranges:
        specs[206] = ResponseSpec(
            bytes,
            media_type=media_type,
            description="The `Range` asked for (`Content-Range`).",
            generate_examples=False,
        )
    if redirects:
        specs[302] = ResponseSpec(
            None, description="The file is at the short-lived storage URL in `Location`."
        )
    return specs
