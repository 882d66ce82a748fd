"""List the newest public videos, by hashtag or caption words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from application.pagination import Page, page_from
from application.ports.videos import PublicVideoFilter, VideoKey, VideoQueries, VideoView
from application.validation import ErrorCollector
from domain.errors import ValidationFailed
from domain.videos import HASHTAG_MAX
from domain.words import caption_words

MAX_QUERY_WORDS = 8
_HASHTAG_RE = re.compile(rf"\w{{1,{HASHTAG_MAX}}}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ListVideosQuery:
    limit: int
    hashtag: str | None = None
    text: str | None = None
    after: VideoKey | None = None
    viewer_id: UUID | None = None


def _hashtag(raw: str | None) -> str | None:
    if raw is None:
        return None
    tag = raw.strip().removeprefix("#").lower()
    if not _HASHTAG_RE.fullmatch(tag):
        raise ValidationFailed.single("hashtag", "must be one word of letters, digits or '_'")
    return tag


def _words(raw: str | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    words = caption_words(raw)
    if not words:
        raise ValidationFailed.single("q", "must contain at least one word")
    if len(words) > MAX_QUERY_WORDS:
        raise ValidationFailed.single("q", f"may contain at most {MAX_QUERY_WORDS} words")
    return words


class ListVideos:
    """Public ready videos, newest published first.

    `hashtag` (with or without `#`, case-insensitive) keeps videos tagged with it; `q` keeps videos
    whose caption contains every one of its words (whole words, case-insensitive).
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
