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


@dataclass(frozen=True, slots=True)
class PersonalFilter:
    """What a signed-in viewer's For You leaves out: their own videos, the videos they marked not
    interested, those whose latest watch since `watched_since` saw them
    (`domain.watching.watched_enough`: to the end, or at least half), and the videos of `pinned`
    (already shown by the walk's personalised head)."""

    watched_since: datetime
    pinned: tuple[UUID, ...] = ()


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
        personal: PersonalFilter | None = None,
    ) -> Sequence[RankedVideo]:
        """Published videos listed for the viewer (`visibility.is_listed`) with
        `since < published_at <= snapshot`, by `domain.ranking.rank` descending, then id
        descending; without what `personal` leaves out for `viewer_id`."""
        ...

    async def fresh_and_followed(
        self,
        viewer_id: UUID,
        *,
        snapshot: datetime,
        since: datetime,
        fresh_since: datetime,
        max_views: int,
        limit: int,
        personal: PersonalFilter,
    ) -> Sequence[RankedVideo]:
        """Published videos listed for the viewer (`visibility.is_listed`) with
        `since < published_at <= snapshot` by accounts the viewer follows, or published after
        `fresh_since` with fewer than `max_views` views; newest published first, without what
        `personal` leaves out; each with its `domain.ranking.rank`."""
        ...

    async def published_among(
        self, viewer_id: UUID | None, video_ids: Sequence[UUID]
    ) -> Sequence[VideoView]:
        """The published videos listed for the viewer (`visibility.is_listed`) among `video_ids`
        (in no particular order), without what a `PersonalFilter` of no time (own and
        not-interested videos) leaves out for a viewer."""
        ...

    async def older(
        self,
        viewer_id: UUID | None,
        *,
        until: datetime,
        after: VideoKey | None,
        limit: int,
        personal: PersonalFilter | None = None,
    ) -> Sequence[VideoView]:
        """Published videos listed for the viewer (`visibility.is_listed`) with
        `published_at <= until`, newest published first; without what `personal` leaves out for
        `viewer_id`."""
        ...
