"""Routes of videos: /api/v1/videos."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request, Response, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter, SkipValidation
from litestar.response import Redirect, Stream
from msgspec import UNSET

from application.auth.results import Principal
from application.common.idempotency import IdempotentRequests, fingerprint
from application.common.patch import KEEP
from application.ports.idempotency_store import StoredResponse
from application.ports.object_storage import CompletedPart
from application.videos.complete_upload import CompleteUpload, CompleteUploadCommand
from application.videos.create_video import CreateVideo, CreateVideoCommand
from application.videos.delete_video import DeleteVideo, DeleteVideoCommand
from application.videos.get_video import GetVideo, GetVideoQuery
from application.videos.list_videos import MAX_QUERY_WORDS, ListVideos, ListVideosQuery
from application.videos.stream_video import StreamVideo, StreamVideoQuery
from application.videos.update_video import UpdateVideo, UpdateVideoCommand
from domain.videos import HASHTAG_MAX
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.errors import problem
from entrypoints.http.idempotency import IdempotencyKey
from entrypoints.http.observability import UPLOADS
from entrypoints.http.paging import Cursor, Limit, viewer_id
from entrypoints.http.ranges import UnsatisfiableRange, parse_range
from entrypoints.http.schemas.common import CONTROL, SPACE
from entrypoints.http.schemas.openapi import OptionalBodyOperation
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.videos import (
    COMPLETE_BODY_LIMIT,
    CompleteUploadIn,
    CreatedVideoOut,
    CreateVideoIn,
    UpdateVideoIn,
    VideoOut,
    VideoPageOut,
    upload_out,
    video_out,
)
from entrypoints.http.security import OPTIONAL_SECURITY, SECURITY

VideoKeyShape = tuple[datetime, UUID]
# The use case's rule for the searched hashtag (422 otherwise), in the document.
_HASHTAG_PATTERN = rf"^#?[^#{SPACE}{CONTROL}]{{1,{HASHTAG_MAX}}}$"
_STREAM_RESPONSES = {
    200: ResponseSpec(
        bytes, media_type="video/*", description="The whole file.", generate_examples=False
    ),
    206: ResponseSpec(
        bytes,
        media_type="video/*",
        description="The `Range` asked for (`Content-Range`).",
        generate_examples=False,
    ),
    302: ResponseSpec(None, description="The file is at the short-lived URL in `Location`."),
    304: ResponseSpec(None, description="Not modified: `If-None-Match` names the current ETag."),
}


class VideosController(ApiController):
    """Videos: upload, read, edit, delete, stream."""

    path = "/videos"
    tags = ["videos"]

    @post(
        "/",
        operation_id="createVideo",
        status_code=201,
        summary="Start a video upload",
        description=described_by(CreateVideo),
        security=SECURITY,
        responses=problems(401, 409, json_body=True),
    )
    async def create(
        self,
        data: JSONBody[CreateVideoIn],
        principal: SkipValidation[Principal],
        create_video: SkipValidation[CreateVideo],
        idempotency: SkipValidation[IdempotentRequests],
        base_url: SkipValidation[str],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[CreatedVideoOut]:
        async def act() -> StoredResponse:
            created = await create_video.execute(
                CreateVideoCommand(
                    owner_id=principal.user_id,
                    content_type=data.content_type,
                    size_bytes=data.size_bytes,
                    caption=data.caption,
                    visibility=data.visibility,
                )
            )
            out = CreatedVideoOut(video_out(created.view, base_url), upload_out(created.upload))
            return StoredResponse(201, msgspec.json.encode(out))

        if idempotency_key is None:
            stored = await act()
        else:
            stored = await idempotency.run(
                f"{principal.user_id}:create-video",
                idempotency_key,
                fingerprint(msgspec.json.encode(data)),
                act,
            )
        return Response(stored.body, status_code=stored.status_code, media_type="application/json")  # type: ignore[arg-type]

    @post(
        "/{video_id:uuid}/complete",
        operation_id="completeUpload",
        status_code=200,
        summary="Finish an upload",
        description=described_by(CompleteUpload),
        security=SECURITY,
        request_max_body_size=COMPLETE_BODY_LIMIT,  # every part of the largest upload fits
        operation_class=OptionalBodyOperation,  # the body is optional for single uploads
        responses=problems(401, 403, 404, 409, json_body=True),
    )
    async def complete(
        self,
        video_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        complete_upload: SkipValidation[CompleteUpload],
        base_url: SkipValidation[str],
        data: JSONBody[CompleteUploadIn | None] = None,
    ) -> VideoOut:
        parts = None
        if data is not None and data.parts is not None:
            parts = [CompletedPart(p.part_number, p.etag) for p in data.parts]
        view = await complete_upload.execute(
            CompleteUploadCommand(owner_id=principal.user_id, video_id=video_id, parts=parts)
        )
        UPLOADS.labels(outcome=view.video.status.value).inc()
        return video_out(view, base_url)

    @get(
        "/",
        operation_id="listVideos",
        summary="Newest public videos",
        description=described_by(ListVideos),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 422),
    )
    async def list_videos(
        self,
        viewer: SkipValidation[Principal | None],
        list_videos: SkipValidation[ListVideos],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        hashtag: Annotated[
            str | None,
            QueryParameter(
                max_length=HASHTAG_MAX + 1,
                description="A hashtag, with or without '#' (no spaces; a tag that is not a word "
                "of letters, digits or '_' matches no video).",
                schema_extra={"pattern": _HASHTAG_PATTERN},
            ),
        ] = None,
        q: Annotated[
            str | None,
            QueryParameter(
                max_length=200,
                description="Words the caption must contain (words of letters, digits or '_'; "
                f"only the first {MAX_QUERY_WORDS} different ones count).",
            ),
        ] = None,
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> VideoPageOut:
        page = await list_videos.execute(
            ListVideosQuery(
                limit=limit,
                hashtag=hashtag,
                text=q,
                after=cursors.decode(cursor, VideoKeyShape) if cursor else None,
                viewer_id=viewer_id(viewer),
            )
        )
        return VideoPageOut(
            items=[video_out(v, base_url) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )

    @get(
        "/{video_id:uuid}",
        operation_id="getVideo",
        summary="A video",
        description=described_by(GetVideo),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 404),
    )
    async def get_video(
        self,
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        get_video: SkipValidation[GetVideo],
        base_url: SkipValidation[str],
    ) -> VideoOut:
        view = await get_video.execute(
            GetVideoQuery(video_id=video_id, viewer_id=viewer_id(viewer))
        )
        return video_out(view, base_url)

    @patch(
        "/{video_id:uuid}",
        operation_id="updateVideo",
        summary="Edit a video",
        description=described_by(UpdateVideo),
        security=SECURITY,
        responses=problems(401, 403, 404, 409, json_body=True),
    )
    async def update_video(
        self,
        video_id: FromPath[UUID],
        data: JSONBody[UpdateVideoIn],
        principal: SkipValidation[Principal],
        update_video: SkipValidation[UpdateVideo],
        base_url: SkipValidation[str],
    ) -> VideoOut:
        view = await update_video.execute(
            UpdateVideoCommand(
                owner_id=principal.user_id,
                video_id=video_id,
                caption=KEEP if data.caption is UNSET else data.caption,
                visibility=KEEP if data.visibility is UNSET else data.visibility,
            )
        )
        return video_out(view, base_url)

    @delete(
        "/{video_id:uuid}",
        operation_id="deleteVideo",
        status_code=204,
        summary="Delete a video and its stored file",
        description=described_by(DeleteVideo),
        security=SECURITY,
        responses=problems(401, 403, 404, 415),
    )
    async def delete_video(
        self,
        video_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        delete_video: SkipValidation[DeleteVideo],
    ) -> None:
        await delete_video.execute(
            DeleteVideoCommand(owner_id=principal.user_id, video_id=video_id)
        )

    @get(
        "/{video_id:uuid}/stream",
        operation_id="streamVideo",
        summary="Play a video",
        description=described_by(StreamVideo)
        + "\n\n302 to a short-lived storage URL, or the bytes (200, or 206 for a `Range` request).",
        security=OPTIONAL_SECURITY,
        responses={**problems(401, 404, 416), **_STREAM_RESPONSES},
        status_code=200,
    )
    async def stream(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        stream_video: SkipValidation[StreamVideo],
    ) -> Response[bytes]:
        plan = await stream_video.execute(
            StreamVideoQuery(video_id=video_id, viewer_id=viewer_id(viewer))
        )
        if plan.redirect_url is not None:
            return Redirect(
                plan.redirect_url, status_code=302, headers={"Cache-Control": "no-store"}
            )
        headers = {
            "Accept-Ranges": "bytes",
            "ETag": plan.etag,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        }
        if request.headers.get("if-none-match") == plan.etag:
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
        headers["Content-Length"] = str(end - start + 1)
        if byte_range is not None:
            headers["Content-Range"] = f"bytes {start}-{end}/{plan.size_bytes}"
        return Stream(  # type: ignore[return-value]
            plan.read(start, end),
            status_code=206 if byte_range is not None else 200,
            media_type=plan.content_type,
            headers=headers,
        )
