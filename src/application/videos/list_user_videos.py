"""List one user's videos."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.visibility import Viewer, require_visible_account
from application.ports.account_queries import AccountQueries
from application.ports.video_queries import VideoKey, VideoQueries, VideoView


@dataclass(frozen=True, slots=True, kw_only=True)
class ListUserVideosQuery:
    user_id: UUID
    limit: int
    after: VideoKey | None = None
    viewer_id: UUID | None = None
    moderator: bool = False


class ListUserVideos:
    """A user's videos, newest first: others see the public ready ones listed for them
    (`visibility.is_listed`: none of a blocked or blocking user, none removed or pending review);
    the owner sees all. 404 for a profile the viewer may not see."""

    def __init__(self, accounts: AccountQueries, queries: VideoQueries) -> None:
        self._accounts = accounts
        self._queries = queries

    async def execute(self, query: ListUserVideosQuery) -> Page[VideoView, VideoKey]:
        viewer = Viewer(user_id=query.viewer_id, moderator=query.moderator)
        await require_visible_account(self._accounts, query.user_id, viewer)
        rows = await self._queries.list_by_owner(
            query.user_id,
            query.viewer_id,
            include_unlisted=query.viewer_id == query.user_id,
            after=query.after,
            limit=query.limit + 1,
        )
        return page_from(rows, query.limit, key_of=lambda v: (v.video.created_at, v.video.id))
