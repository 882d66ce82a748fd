"""The signed media route of storages that serve their objects through this API: /api/v1/media."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, head
from litestar.params import Parameter, SkipValidation

from application.videos.serve_media import ServeMedia, ServeMediaQuery
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.media_responses import IMMUTABLE, media_responses, object_response
from entrypoints.http.schemas.problems import described_by, problems

Token = Annotated[
    str,
    Parameter(
        pattern=r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[a-z0-9]{1,8}$",
        description="The signed token of the URL (it ends with the file's extension).",
    ),
]
_RESPONSES = {
    **problems(403, 404, 416),
    **media_responses("video/iso.segment", redirects=False, ranges=True),
}


class MediaController(ApiController):
    """Segments and files behind signed, short-lived URLs (local storage)."""

    path = "/media"
    tags = ["videos"]

    @get(
        "/{token:str}",
        operation_id="getMedia",
        summary="A media file behind a signed URL",
        description=described_by(ServeMedia),
        responses=_RESPONSES,
    )
    async def media(
        self, request: Request[Any, Any, Any], token: Token, serve_media: SkipValidation[ServeMedia]
    ) -> Response[bytes]:
        return await _media(request, token, serve_media)

    @head(
        "/{token:str}",
        operation_id="getMediaHead",
        summary="Headers of a media file behind a signed URL",
        description="`GET /media/{token}` without the body.",
        responses=_RESPONSES,
    )
    async def media_head(
        self, request: Request[Any, Any, Any], token: Token, serve_media: SkipValidation[ServeMedia]
    ) -> Response[None]:
        return await _media(request, token, serve_media)


async def _media(
    request: Request[Any, Any, Any], token: str, serve_media: ServeMedia
) -> Response[Any]:
    plan = await serve_media.execute(ServeMediaQuery(token=token))
    # The URL names this one file and changes with every signature: it never changes behind it.
    return object_response(request, plan, cache_control=f"private, {IMMUTABLE}")
