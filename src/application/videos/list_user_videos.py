"""List one user's videos."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.account_queries import AccountQueries
from application.ports.video_queries import VideoKey, VideoQueries, VideoView
from domain.errors import NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class ListUserVideosQuery:
    user_id: UUID
    limit: int
    after: VideoKey | None = None
    viewer_id: UUID | None = None


class ListUserVideos:
    """A user's videos, newest first: others see the public ready ones; the owner sees all."""

    def __init__(self, accounts: AccountQueries, queries: VideoQueries) -> None:
        self._accounts = accounts
        self._queries = queries

    async def execute(self, query: ListUserVideosQuery) -> Page[VideoView, VideoKey]:
        if await self._accounts.user(query.user_id) is None:
            raise NotFound("No such user.")
        rows = await self._queries.list_by_owner(
            query.user_id,
            query.viewer_id,
            include_unlisted=query.viewer_id == query.user_id,
            after=query.after,
            limit=query.limit + 1,
        )
        return page_from(rows, query.limit, key_of=lambda v: (v.video.created_at, v.video.id))
