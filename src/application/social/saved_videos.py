"""The videos you saved."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.collection_queries import CollectedKey, CollectionQueries
from application.ports.video_queries import VideoView


@dataclass(frozen=True, slots=True, kw_only=True)
class CollectionQuery:
    """A page of the signed-in user's collection, after `after`."""

    user_id: UUID
    limit: int
    after: CollectedKey | None = None


class ListSavedVideos:
    """The videos you saved that you can still see (as `GET /videos/{id}` would show them: yours
    in any state, others' when ready and public or unlisted), most recently saved first. A video
    hidden since stays saved and comes back if it becomes visible again."""

    def __init__(self, queries: CollectionQueries) -> None:
        self._queries = queries

    async def execute(self, query: CollectionQuery) -> Page[VideoView, CollectedKey]:
        rows = await self._queries.saved(query.user_id, after=query.after, limit=query.limit + 1)
        page = page_from(rows, query.limit, key_of=lambda r: (r.collected_at, r.view.video.id))
        return Page([r.view for r in page.items], page.next_key)
