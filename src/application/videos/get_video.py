"""Read one video."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import visible_view
from application.ports.video_queries import VideoQueries, VideoView


@dataclass(frozen=True, slots=True, kw_only=True)
class GetVideoQuery:
    video_id: UUID
    viewer_id: UUID | None = None


class GetVideo:
    """A video: the owner sees it in any state; others only ready public or unlisted ones (else 404)."""

    def __init__(self, queries: VideoQueries) -> None:
        self._queries = queries

    async def execute(self, query: GetVideoQuery) -> VideoView:
        return await visible_view(self._queries, query.video_id, query.viewer_id)
