"""List the newest public videos, by hashtag or caption words."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.validation import ErrorCollector
from application.ports.video_queries import PublicVideoFilter, VideoKey, VideoQueries, VideoView
from domain.errors import ValidationFailed
from domain.videos import HASHTAG_MAX
from domain.words import caption_words

MAX_QUERY_WORDS = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class ListVideosQuery:
    limit: int
    hashtag: str | None = None
    text: str | None = None
    after: VideoKey | None = None
    viewer_id: UUID | None = None


def _hashtag(raw: str | None) -> str | None:
    """The tag to look for: 1..100 characters after an optional '#', no '#', spaces or controls.

    A tag that is not a word (hashtags are words) is no error: no video has it.
    """
    if raw is None:
        return None
    tag = raw.removeprefix("#")
    if not 1 <= len(tag) <= HASHTAG_MAX or any(_not_in_tag(ch) for ch in tag):
        raise ValidationFailed.single(
            "hashtag", "must be one tag: no spaces, control characters or other '#'"
        )
    return tag.lower()


def _not_in_tag(ch: str) -> bool:
    return ch == "#" or ch.isspace() or ch < " " or ch == "\x7f"


def _words(raw: str | None) -> tuple[str, ...]:
    """The words to look for (none: every caption matches), at most the first 8 different ones."""
    if raw is None:
        return ()
    return caption_words(raw)[:MAX_QUERY_WORDS]


class ListVideos:
    """Public ready videos, newest published first.

    `hashtag` (with or without `#`, case-insensitive) keeps videos tagged with it; `q` keeps videos
    whose caption contains every one of its words (whole words, case-insensitive; like a search
    engine, only its first 8 different words count, and a `q` without words filters nothing).
    """

    def __init__(self, queries: VideoQueries) -> None:
        self._queries = queries

    async def execute(self, query: ListVideosQuery) -> Page[VideoView, VideoKey]:
        check = ErrorCollector()
        hashtag = check.parse(lambda: _hashtag(query.hashtag))
        words = check.parse(lambda: _words(query.text))
        check.raise_if_any()
        rows = await self._queries.list_public(
            PublicVideoFilter(hashtag=hashtag, words=words),
            query.viewer_id,
            after=query.after,
            limit=query.limit + 1,
        )
        return page_from(
            rows,
            query.limit,
            key_of=lambda v: (v.video.published_at or v.video.created_at, v.video.id),
        )
