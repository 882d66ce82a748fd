"""Search public videos by words, phrases, exclusions and hashtags."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.search_index import SearchIndex, SearchKey
from application.ports.video_queries import VideoView
from domain import search
from domain.errors import ValidationFailed

QUERY_MAX = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchVideosQuery:
    text: str
    limit: int
    after: SearchKey | None = None
    viewer_id: UUID | None = None


class SearchVideos:
    """Public ready videos matching `q`, most relevant first."""

    def __init__(self, index: SearchIndex) -> None:
        self._index = index

    async def execute(self, query: SearchVideosQuery) -> Page[VideoView, SearchKey]:
        if not 1 <= len(query.text) <= QUERY_MAX:
            raise ValidationFailed.single("q", f"must be 1..{QUERY_MAX} characters")
        terms = search.parse_search(query.text)
        if not terms.finds_anything:
            return Page(items=[], next_key=None)
        rows = await self._index.find_videos(
            terms, query.viewer_id, after=query.after, limit=query.limit + 1
        )
        page = page_from(rows, query.limit, key_of=lambda found: (found.score, found.view.video.id))
        return Page(items=[found.view for found in page.items], next_key=page.next_key)


SearchVideos.__doc__ = (
    "Public ready videos matching `q`, most relevant first. "
    + (search.__doc__ or "").split("\n\n", 1)[1].strip()
    + " Ranking: "
    + search.VIDEO_SCORE
    + " Pages continue after the last (score, id) seen: a video never repeats within a walk."
)
