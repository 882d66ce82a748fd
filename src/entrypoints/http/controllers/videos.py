"""Routes of videos: /api/v1/videos."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request, Response, delete, get, head, patch, post
from litestar.params import FromPath, JSONBody, Parameter, QueryParameter, SkipValidation
from msgspec import UNSET

from application.auth.results import Principal
from application.common.idempotency import IdempotentRequests, fingerprint
from application.common.patch import KEEP
from application.ports.idempotency_store import StoredResponse
from application.ports.object_storage import CompletedPart
from application.videos.complete_upload import CompleteUpload, CompleteUploadCommand
from application.videos.create_video import CreateVideo, CreateVideoCommand
from application.videos.delete_video import DeleteVideo, DeleteVideoCommand
from application.videos.get_poster import GetPoster, GetPosterQuery
from application.videos.get_video import GetVideo, GetVideoQuery
from application.videos.hls_playlist import PLAYLIST_TYPE, GetHlsPlaylist, HlsPlaylistQuery
from application.videos.list_videos import MAX_QUERY_WORDS, ListVideos, ListVideosQuery
from application.videos.stream_video import StreamVideo, StreamVideoQuery
from application.videos.update_video import UpdateVideo, UpdateVideoCommand
from domain.videos import HASHTAG_MAX
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.idempotency import IdempotencyKey
from entrypoints.http.media_responses import (
    IMMUTABLE,
    SHORT,
    bytes_response,
    media_responses,
    object_response,
)
from entrypoints.http.observability import UPLOADS
from entrypoints.http.paging import Cursor, Limit, audience, viewer_id
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
STREAM_CACHE = "max-age=3600"
_HEAD_NOTE = (
    "\n\n`HEAD` answers the same without the body. Opened directly, a browser can play or show it "
    "(the answer's policy lets the browser's own player load it)."
)
VersionParameter = Annotated[
    str | None,
    QueryParameter(
        max_length=64,
        description="The poster's version, as `posterUrl` carries it: when it names the current "
        "poster, the answer may be cached for good.",
    ),
]
PlaylistName = Annotated[
    str,
    Parameter(
        max_length=20,
        pattern=r"^(master|[1-9][0-9]{0,3}p)\.m3u8$",
        description="`master.m3u8`, or a rendition's media playlist named by its short side "
        "(`720p.m3u8`).",
    ),
]


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
            out = CreatedVideoOut(
                video_out(created.view, base_url, audience(principal)), upload_out(created.upload)
            )
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
        return video_out(view, base_url, audience(principal))

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
            items=[video_out(v, base_url, audience(viewer)) for v in page.items],
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
        looking = audience(viewer)
        view = await get_video.execute(
            GetVideoQuery(video_id=video_id, viewer_id=looking.user_id, moderator=looking.moderator)
        )
        return video_out(view, base_url, looking)

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
                poster_at_seconds=KEEP
                if data.poster_at_seconds is UNSET
                else data.poster_at_seconds,
            )
        )
        return video_out(view, base_url, audience(principal))

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
        summary="Play a video (MP4)",
        description=described_by(StreamVideo) + _HEAD_NOTE,
        security=OPTIONAL_SECURITY,
        responses={
            **problems(401, 404, 416),
            **media_responses("video/mp4", redirects=True, ranges=True),
        },
        status_code=200,
    )
    async def stream(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        stream_video: SkipValidation[StreamVideo],
    ) -> Response[bytes]:
        return await _stream(request, video_id, viewer, stream_video)

    @head(
        "/{video_id:uuid}/stream",
        operation_id="streamVideoHead",
        summary="Headers of the video's MP4",
        description="`GET /videos/{id}/stream` without the body.",
        security=OPTIONAL_SECURITY,
        responses={
            **problems(401, 404, 416),
            **media_responses("video/mp4", redirects=True, ranges=True),
        },
        status_code=200,
    )
    async def stream_head(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        stream_video: SkipValidation[StreamVideo],
    ) -> Response[None]:
        return await _stream(request, video_id, viewer, stream_video)

    @get(
        "/{video_id:uuid}/poster",
        operation_id="getPoster",
        summary="The video's poster image",
        description=described_by(GetPoster) + _HEAD_NOTE,
        security=OPTIONAL_SECURITY,
        responses={
            **problems(401, 404, 416),
            **media_responses("image/jpeg", redirects=True, ranges=True),
        },
        status_code=200,
    )
    async def poster(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        get_poster: SkipValidation[GetPoster],
        v: VersionParameter = None,
    ) -> Response[bytes]:
        return await _poster(request, video_id, viewer, get_poster, v)

    @head(
        "/{video_id:uuid}/poster",
        operation_id="getPosterHead",
        summary="Headers of the video's poster",
        description="`GET /videos/{id}/poster` without the body.",
        security=OPTIONAL_SECURITY,
        responses={
            **problems(401, 404, 416),
            **media_responses("image/jpeg", redirects=True, ranges=True),
        },
        status_code=200,
    )
    async def poster_head(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        viewer: SkipValidation[Principal | None],
        get_poster: SkipValidation[GetPoster],
        v: VersionParameter = None,
    ) -> Response[None]:
        return await _poster(request, video_id, viewer, get_poster, v)

    @get(
        "/{video_id:uuid}/hls/{name:str}",
        operation_id="getHlsPlaylist",
        summary="The video's HLS playlists",
        description=described_by(GetHlsPlaylist) + _HEAD_NOTE,
        security=OPTIONAL_SECURITY,
        responses={
            **problems(401, 404),
            **media_responses(PLAYLIST_TYPE, redirects=False, ranges=False),
        },
        status_code=200,
    )
    async def hls(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        name: PlaylistName,
        viewer: SkipValidation[Principal | None],
        get_hls_playlist: SkipValidation[GetHlsPlaylist],
    ) -> Response[bytes]:
        return await _hls(request, video_id, name, viewer, get_hls_playlist)

    @head(
        "/{video_id:uuid}/hls/{name:str}",
        operation_id="getHlsPlaylistHead",
        summary="Headers of an HLS playlist",
        description="`GET /videos/{id}/hls/{name}` without the body.",
        security=OPTIONAL_SECURITY,
        responses={
            **problems(401, 404),
            **media_responses(PLAYLIST_TYPE, redirects=False, ranges=False),
        },
        status_code=200,
    )
    async def hls_head(
        self,
        request: Request[Any, Any, Any],
        video_id: FromPath[UUID],
        name: PlaylistName,
        viewer: SkipValidation[Principal | None],
        get_hls_playlist: SkipValidation[GetHlsPlaylist],
    ) -> Response[None]:
        return await _hls(request, video_id, name, viewer, get_hls_playlist)


async def _stream(
    request: Request[Any, Any, Any],
    video_id: UUID,
    viewer: Principal | None,
    stream_video: StreamVideo,
) -> Response[Any]:
    plan = await stream_video.execute(
        StreamVideoQuery(
            video_id=video_id, viewer_id=viewer_id(viewer), moderator=audience(viewer).moderator
        )
    )
    return object_response(request, plan, cache_control=f"private, {STREAM_CACHE}")


async def _poster(
    request: Request[Any, Any, Any],
    video_id: UUID,
    viewer: Principal | None,
    get_poster: GetPoster,
    version: str | None,
) -> Response[Any]:
    poster = await get_poster.execute(
        GetPosterQuery(
            video_id=video_id, viewer_id=viewer_id(viewer), moderator=audience(viewer).moderator
        )
    )
    cache = IMMUTABLE if version == poster.version else SHORT  # `?v=` of the current poster
    return object_response(request, poster.plan, cache_control=f"private, {cache}")


async def _hls(
    request: Request[Any, Any, Any],
    video_id: UUID,
    name: str,
    viewer: Principal | None,
    get_hls_playlist: GetHlsPlaylist,
) -> Response[Any]:
    playlist = await get_hls_playlist.execute(
        HlsPlaylistQuery(
            video_id=video_id,
            name=name,
            viewer_id=viewer_id(viewer),
            moderator=audience(viewer).moderator,
        )
    )
    return bytes_response(
        request,
        playlist.encode("utf-8"),
        content_type=PLAYLIST_TYPE,
        etag=None,
        cache_control=f"private, {SHORT}",
    )
