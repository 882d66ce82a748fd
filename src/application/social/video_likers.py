"""Who liked your video."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.visibility import owned_video
from application.ports.collection_queries import CollectedKey, CollectionQueries, Liker
from application.ports.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoLikersQuery:
    video_id: UUID
    viewer_id: UUID
    limit: int
    after: CollectedKey | None = None


class ListVideoLikers:
    """The accounts that like your video, most recent like first, each with whether you follow
    it. Only the video's owner may list them (403 for others who can see the video, 404 for
    those who cannot)."""

    def __init__(self, uow: UnitOfWorkFactory, queries: CollectionQueries) -> None:
        self._uow = uow
        self._queries = queries

    async def execute(self, query: VideoLikersQuery) -> Page[Liker, CollectedKey]:
        async with self._uow() as uow:
            await owned_video(uow, query.video_id, query.viewer_id)
        rows = await self._queries.likers(
            query.video_id, query.viewer_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda r: (r.liked_at, r.user.id))
