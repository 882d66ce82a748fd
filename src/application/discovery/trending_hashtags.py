"""The trending hashtags."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.hashtag_queries import HashtagQueries, TrendingHashtag


class GetTrendingHashtags:
    """The 20 hashtags of public ready videos with the most views in the last 24 hours (views are
    counted by hour: the current hour and the 23 before it), most viewed first, each with how many
    public ready videos carry it. The table behind it is refreshed every minute."""

    def __init__(self, hashtags: HashtagQueries) -> None:
        self._hashtags = hashtags

    async def execute(self) -> Sequence[TrendingHashtag]:
        return await self._hashtags.trending()
