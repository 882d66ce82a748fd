"""Play a video back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial
from uuid import UUID

from application.common.visibility import visible_view
from application.ports.object_storage import ObjectStorage
from application.ports.video_queries import VideoQueries
from domain.errors import NotFound
from domain.videos import VideoStatus

STREAM_URL_TTL_SECONDS = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamVideoQuery:
    video_id: UUID
    viewer_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class StreamPlan:
    """Either a short-lived storage URL to redirect to, or how the API streams the bytes itself."""

    redirect_url: str | None
    size_bytes: int
    content_type: str
    etag: str
    read: Callable[[int, int], AsyncIterator[bytes]]  # inclusive byte range -> chunks


class StreamVideo:
    """Where to read a ready video's bytes: a presigned storage URL (302) or through the API.

    Private videos, unfinished ones and deleted ones are 404 to everyone but the owner, and
    unfinished ones have nothing to play even for the owner.
    """

    def __init__(self, queries: VideoQueries, storage: ObjectStorage) -> None:
        self._queries = queries
        self._storage = storage

    async def execute(self, query: StreamVideoQuery) -> StreamPlan:
        video = (await visible_view(self._queries, query.video_id, query.viewer_id)).video
        if video.status is not VideoStatus.READY:
            raise NotFound("The video has nothing to play yet.")
        url = await self._storage.presign_read(
            video.storage_key,
            content_type=video.content_type,
            expires_in_seconds=STREAM_URL_TTL_SECONDS,
        )
        etag = f'"{video.id.hex}-{video.size_bytes:x}"'
        return StreamPlan(
            redirect_url=url,
            size_bytes=video.size_bytes,
            content_type=video.content_type,
            etag=etag,
            read=partial(self._storage.read_range, video.storage_key),
        )
