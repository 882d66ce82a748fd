"""Play a video back as one progressive MP4."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.object_reads import ObjectRead, object_read
from application.common.visibility import Viewer
from application.ports.object_storage import ObjectStorage
from application.ports.video_queries import VideoQueries
from application.videos.playable import playable_video
from application.videos.settings import PlaybackPolicy
from application.videos.storage_keys import stream_key

STREAM_TYPE = "video/mp4"


@dataclass(frozen=True, slots=True, kw_only=True)
class StreamVideoQuery:
    video_id: UUID
    viewer_id: UUID | None = None
    moderator: bool = False  # moderators may play hidden videos (to review them)


class StreamVideo:
    """The processed MP4 (H.264/AAC, `faststart`, the largest rendition): a short-lived storage URL
    (302), or the bytes through the API (with `Range`).

    404 wherever `GET /videos/{id}` would answer 404, and for a video that is not ready. (A video
    made ready before processing existed has no MP4 of its own: its upload is played as it is.)
    """

    def __init__(
        self, queries: VideoQueries, storage: ObjectStorage, policy: PlaybackPolicy
    ) -> None:
        self._queries = queries
        self._storage = storage
        self._policy = policy

    async def execute(self, query: StreamVideoQuery) -> ObjectRead:
        video = await playable_video(
            self._queries,
            query.video_id,
            Viewer(user_id=query.viewer_id, moderator=query.moderator),
        )
        key, content_type = (
            (stream_key(video.id), STREAM_TYPE)
            if video.is_processed
            else (video.storage_key, video.content_type)
        )
        return await object_read(
            self._storage,
            key,
            content_type=content_type,
            expires_in_seconds=self._policy.url_ttl_seconds,
        )
