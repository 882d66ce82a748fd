"""Port: the For You and Following feeds (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.ports.video_queries import VideoKey, VideoView

RankKey = tuple[float, UUID]
"""A keyset position in the ranked part of For You: (rank, id), descending."""


@dataclass(frozen=True, slots=True)
class RankedVideo:
    """A video in For You and its rank (`domain.ranking.rank`)."""

    view: VideoView
    score: float


class FeedQueries(Protocol):
    """The two feeds, with authors and the viewer's like flags, in one round trip per call."""

    async def following(
        self, viewer_id: UUID, *, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        """Published (ready, public) videos of the accounts the viewer follows, listed for the
        viewer (`visibility.is_listed`), newest published first."""
        ...

    async def ranked(
        self,
        viewer_id: UUID | None,
        *,
        snapshot: datetime,
        since: datetime,
        after: RankKey | None,
        limit: int,
    ) -> Sequence[RankedVideo]:
        """Published videos listed for the viewer (`visibility.is_listed`) with
        `since < published_at <= snapshot`, by `domain.ranking.rank` descending, then id
        descending."""
        ...

    async def older(
        self, viewer_id: UUID | None, *, until: datetime, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        """Published videos listed for the viewer (`visibility.is_listed`) with
        `published_at <= until`, newest published first."""
        ...
