"""Read one video."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import Viewer, visible_view
from application.ports.video_queries import VideoQueries, VideoView


@dataclass(frozen=True, slots=True, kw_only=True)
class GetVideoQuery:
    video_id: UUID
    viewer_id: UUID | None = None
    moderator: bool = False


class GetVideo:
    """A video: the owner sees it in any state; others only ready public or unlisted ones, by an
    author they may see, not hidden by moderation (`application.common.visibility`; else 404).
    Moderators also see hidden ones (never someone else's private or unfinished video)."""

    def __init__(self, queries: VideoQueries) -> None:
        self._queries = queries

    async def execute(self, query: GetVideoQuery) -> VideoView:
        viewer = Viewer(user_id=query.viewer_id, moderator=query.moderator)
        return await visible_view(self._queries, query.video_id, viewer)
