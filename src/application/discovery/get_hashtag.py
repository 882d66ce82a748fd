"""One hashtag and how many public videos carry it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from application.ports.hashtag_queries import HashtagQueries
from domain.errors import NotFound
from domain.videos import HASHTAG_MAX

_TAG_RE = re.compile(rf"\w{{1,{HASHTAG_MAX}}}")


@dataclass(frozen=True, slots=True)
class Hashtag:
    tag: str
    video_count: int


class GetHashtag:
    """A hashtag (with or without '#', case ignored) and how many public ready videos carry it;
    404 when none does (a tag that is not a word of letters, digits or '_' is on no video)."""

    def __init__(self, hashtags: HashtagQueries) -> None:
        self._hashtags = hashtags

    async def execute(self, raw: str) -> Hashtag:
        tag = raw.removeprefix("#").lower()
        if not _TAG_RE.fullmatch(tag):
            raise NotFound("No public video has this hashtag.")
        count = await self._hashtags.video_count(tag)
        if count == 0:
            raise NotFound("No public video has this hashtag.")
        return Hashtag(tag=tag, video_count=count)
