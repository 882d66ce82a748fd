"""Structs of videos and uploads."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from application.common.visibility import ANONYMOUS, Viewer, shows_moderation
from application.ports.object_storage import UploadTarget
from application.ports.video_queries import VideoView
from application.videos.settings import MAX_PARTS
from domain.videos import CAPTION_MAX, MAX_HASHTAGS
from entrypoints.http.schemas.common import Id, Timestamp, optional_timestamp, timestamp
from entrypoints.http.schemas.safety import ModerationOut, moderation_out
from entrypoints.http.schemas.users import MULTILINE, UserSummaryOut, summary_out

VisibilityName = Literal["public", "unlisted", "private"]
ContentType = Annotated[
    Literal["video/mp4", "video/webm", "video/quicktime"],
    Meta(description="The file's container.", examples=["video/mp4"]),
]
CaptionText = Annotated[
    str,
    Meta(
        max_length=CAPTION_MAX,
        pattern=MULTILINE,
        description=f"At most {CAPTION_MAX} characters, no control characters but line breaks; "
        f"`#words` are hashtags (at most {MAX_HASHTAGS} different ones).",
    ),
]
ETAG_MAX = 200
# The largest body of `complete`: every part with the longest ETag, each of whose characters JSON
# may escape as two ('"' and '\\'), plus room for the punctuation and some whitespace.
COMPLETE_BODY_LIMIT = MAX_PARTS * (2 * ETAG_MAX + 64) + 1024


class RenditionOut(msgspec.Struct, rename="camel"):
    """One HLS rendition, as displayed (rotation applied), and its average bit rate."""

    height: int
    width: int
    bitrate_kbps: int


class VideoOut(msgspec.Struct, rename="camel"):
    """A video. `commentCount` counts replies too.

    Once `ready`: `streamUrl` (the MP4), `posterUrl` (versioned: a new poster has a new URL),
    `hlsUrl` (the master playlist), `durationSeconds`, `width` and `height` (as displayed: rotation
    applied) are set, `blurhash` is a BlurHash of the poster (a placeholder to paint at once) and
    `renditions` lists each HLS rendition, lowest first. Before, they are null and `renditions`
    is empty. `contentType` and `sizeBytes` keep describing the upload (the stream is always
    `video/mp4`).
    """

    id: Id
    author: UserSummaryOut
    caption: str
    hashtags: list[str]
    visibility: VisibilityName
    status: Literal["uploading", "processing", "ready", "failed"]
    failure_reason: str | None
    content_type: str
    size_bytes: int
    duration_seconds: float | None
    width: int | None
    height: int | None
    view_count: int
    like_count: int
    comment_count: int
    liked_by_me: bool | None
    created_at: Timestamp
    published_at: Timestamp | None
    stream_url: str | None
    poster_url: str | None
    blurhash: str | None
    hls_url: str | None
    renditions: list[RenditionOut]
    share_count: int
    saved_by_me: Annotated[
        bool | None,
        Meta(description="Whether you saved it (private to you); null when anonymous."),
    ]
    moderation: ModerationOut | None


class VideoPageOut(msgspec.Struct, rename="camel"):
    """A page of videos; pass `nextCursor` as `cursor` for the next one (null: last page)."""

    items: list[VideoOut]
    next_cursor: str | None


class UploadPartOut(msgspec.Struct, rename="camel"):
    """Where to PUT one part (numbered from 1)."""

    part_number: int
    url: str


class UploadOut(msgspec.Struct, rename="camel"):
    """How to upload the file: one PUT of the whole file to `url` with `headers`, or (multipart,
    `partSize` set) one PUT of each `partSize` slice to its part URL, keeping each answer's `ETag`."""

    method: Literal["PUT"]
    url: str | None
    headers: dict[str, str] | None
    part_size: int | None
    parts: list[UploadPartOut] | None
    expires_at: Timestamp


class CreatedVideoOut(msgspec.Struct, rename="camel"):
    """The new video (status `uploading`) and where to upload its file."""

    video: VideoOut
    upload: UploadOut


class CreateVideoIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A video to upload."""

    content_type: ContentType
    size_bytes: Annotated[
        int,
        Meta(
            ge=1,
            description="Exact file size in bytes: 1..the configured maximum "
            "(`CLIPSTREAM_MAX_UPLOAD_BYTES`, 2 GiB by default; the schema's `maximum` is the limit "
            "in force).",
        ),
    ]
    caption: CaptionText | None = None
    visibility: VisibilityName = "public"


class PartIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """An uploaded part and the ETag its PUT answered."""

    part_number: Annotated[int, Meta(ge=1, le=MAX_PARTS)]
    etag: Annotated[
        str,
        Meta(
            min_length=1,
            max_length=ETAG_MAX,
            pattern=r"^[!-~]+$(?!\n)",
            description="The `ETag` header of the part's PUT (visible ASCII; quotes optional).",
        ),
    ]


class CompleteUploadIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """For a multipart upload, every part; nothing for a single upload."""

    parts: Annotated[list[PartIn], Meta(max_length=MAX_PARTS)] | None = None


class UpdateVideoIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Only the fields sent change."""

    caption: CaptionText | UnsetType | None = UNSET
    visibility: VisibilityName | UnsetType = UNSET
    poster_at_seconds: (
        Annotated[
            float,
            Meta(
                ge=0,
                le=24 * 3600,
                description="The moment (seconds from the start, at most the duration) whose "
                "frame becomes the poster; ready videos only. A new poster, with a new "
                "`posterUrl`, follows shortly.",
            ),
        ]
        | UnsetType
    ) = UNSET


class UploadReceivedOut(msgspec.Struct):
    """The ETag of the stored file or part (also in the `ETag` header)."""

    etag: str


def video_out(view: VideoView, base_url: str, viewer: Viewer = ANONYMOUS) -> VideoOut:
    """The video as `viewer` sees it (`moderation` for its owner and moderators only)."""
    video = view.video
    processed = video.is_processed
    return VideoOut(
        id=str(video.id),
        author=summary_out(view.author, view.follows_author),
        caption=video.caption,
        hashtags=list(video.hashtags),
        visibility=video.visibility.value,
        status=video.status.value,
        failure_reason=video.failure_reason,
        content_type=video.content_type,
        size_bytes=video.size_bytes,
        duration_seconds=video.duration_seconds,
        width=video.width,
        height=video.height,
        view_count=video.view_count,
        like_count=video.like_count,
        comment_count=video.comment_count,
        liked_by_me=view.liked_by_me,
        created_at=timestamp(video.created_at),
        published_at=optional_timestamp(video.published_at),
        stream_url=f"{base_url}/api/v1/videos/{video.id}/stream"
        if video.status.value == "ready"
        else None,
        poster_url=f"{base_url}/api/v1/videos/{video.id}/poster?v={video.poster_version}"
        if processed and video.poster_version
        else None,
        blurhash=video.blurhash if processed else None,
        hls_url=f"{base_url}/api/v1/videos/{video.id}/hls/master.m3u8" if processed else None,
        renditions=[RenditionOut(r.height, r.width, r.bitrate_kbps) for r in video.renditions]
        if processed
        else [],
        share_count=video.share_count,
        saved_by_me=view.saved_by_me,
        moderation=moderation_out(
            video.moderation_state,
            video.moderation_reason,
            shown=shows_moderation(viewer, video.owner_id),
        ),
    )


def upload_out(target: UploadTarget) -> UploadOut:
    return UploadOut(
        method="PUT",
        url=target.url,
        headers=dict(target.headers) if not target.is_multipart else None,
        part_size=target.part_size,
        parts=[UploadPartOut(p.part_number, p.url) for p in target.parts]
        if target.is_multipart
        else None,
        expires_at=timestamp(target.expires_at),
    )
