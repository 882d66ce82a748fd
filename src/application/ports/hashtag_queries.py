"""Port: hashtags (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TrendingHashtag:
    """A trending hashtag: its published videos and their counted views in the window."""

    tag: str
    video_count: int
    recent_views: int


class HashtagQueries(Protocol):
    """Hashtags of published videos."""

    async def trending(self) -> Sequence[TrendingHashtag]:
        """The trending table as last refreshed, most viewed first."""
        ...

    async def video_count(self, tag: str) -> int:
        """How many published videos carry the hashtag."""
        ...
