"""The videos you liked."""

from __future__ import annotations

from application.common.pagination import Page, page_from
from application.ports.collection_queries import CollectedKey, CollectionQueries
from application.ports.video_queries import VideoView
from application.social.saved_videos import CollectionQuery


class ListLikedVideos:
    """The videos you liked that you can still see (as `GET /videos/{id}` would show them: yours
    in any state, others' when ready and public or unlisted), most recently liked first."""

    def __init__(self, queries: CollectionQueries) -> None:
        self._queries = queries

    async def execute(self, query: CollectionQuery) -> Page[VideoView, CollectedKey]:
        rows = await self._queries.liked(query.user_id, after=query.after, limit=query.limit + 1)
        page = page_from(rows, query.limit, key_of=lambda r: (r.collected_at, r.view.video.id))
        return Page([r.view for r in page.items], page.next_key)
