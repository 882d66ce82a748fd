"""A video's poster image."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.object_reads import ObjectRead, object_read
from application.common.visibility import Viewer
from application.ports.object_storage import ObjectStorage
from application.ports.video_queries import VideoQueries
from application.videos.playable import playable_video
from application.videos.settings import PlaybackPolicy
from application.videos.storage_keys import poster_key
from domain.errors import NotFound

POSTER_TYPE = "image/jpeg"


@dataclass(frozen=True, slots=True)
class PosterRead:
    """How to answer the read, and the poster's version (what `?v=` of its URL names)."""

    plan: ObjectRead
    version: str


@dataclass(frozen=True, slots=True, kw_only=True)
class GetPosterQuery:
    video_id: UUID
    viewer_id: UUID | None = None
    moderator: bool = False  # moderators may play hidden videos (to review them)


class GetPoster:
    """The poster (JPEG, the display size, at most 1080 px on its long side): a short-lived storage
    URL (302), or the bytes. A new poster (`posterAtSeconds`) has a new URL (`?v=`), so that caches
    never serve the old one. 404 wherever `GET /videos/{id}` would answer 404, and for a video
    that is not ready."""

    def __init__(
        self, queries: VideoQueries, storage: ObjectStorage, policy: PlaybackPolicy
    ) -> None:
        self._queries = queries
        self._storage = storage
        self._policy = policy

    async def execute(self, query: GetPosterQuery) -> PosterRead:
        video = await playable_video(
            self._queries,
            query.video_id,
            Viewer(user_id=query.viewer_id, moderator=query.moderator),
        )
        if video.poster_version is None:
            raise NotFound("The video has no poster.")
        plan = await object_read(
            self._storage,
            poster_key(video.id, video.poster_version),
            content_type=POSTER_TYPE,
            expires_in_seconds=self._policy.url_ttl_seconds,
        )
        return PosterRead(plan, video.poster_version)
