"""Read-side ports of the social features: follower lists, comments, feeds."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.ports.videos import VideoKey, VideoView
from domain.comments import Comment
from domain.users import User

FollowKey = tuple[datetime, UUID]
"""A keyset position in a follower list: (followed at, the listed user's id), descending."""

CommentKey = tuple[datetime, UUID]
"""A keyset position in a comment list: (created at, id)."""

RankKey = tuple[float, UUID]
"""A keyset position in the ranked part of For You: (rank, id), descending."""


@dataclass(frozen=True, slots=True)
class FollowEntry:
    """A user in a follower/following list and when the follow began."""

    user: User
    followed_at: datetime


@dataclass(frozen=True, slots=True)
class CommentView:
    """A comment with its author and whether the viewer likes it (None when anonymous)."""

    comment: Comment
    author: User
    liked_by_me: bool | None


@dataclass(frozen=True, slots=True)
class RankedVideo:
    """A video in For You and its rank (`domain.ranking.rank`)."""

    view: VideoView
    score: float


class FollowQueries(Protocol):
    """Follower and following lists, and follow flags for a viewer."""

    async def followers(
        self, user_id: UUID, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        """Who follows `user_id`, newest follow first."""
        ...

    async def following(
        self, user_id: UUID, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        """Whom `user_id` follows, newest follow first."""
        ...

    async def followed_among(self, viewer_id: UUID, user_ids: Collection[UUID]) -> set[UUID]:
        """Which of `user_ids` the viewer follows (one round trip)."""
        ...


class CommentQueries(Protocol):
    """Comments with their authors and the viewer's like flag, in one round trip per call."""

    async def get_view(self, comment_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        """One comment."""
        ...

    async def top_level(
        self, video_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        """Top-level comments of a video, newest first."""
        ...

    async def replies(
        self, comment_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        """Replies to a top-level comment, oldest first."""
        ...


class FeedQueries(Protocol):
    """The two feeds, with authors and the viewer's like flags, in one round trip per call."""

    async def following(
        self, viewer_id: UUID, *, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        """Published (ready, public) videos of the accounts the viewer follows, newest published first."""
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
        """Published videos with `since < published_at <= snapshot`, by `domain.ranking.rank`
        descending, then id descending."""
        ...

    async def older(
        self, viewer_id: UUID | None, *, until: datetime, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        """Published videos with `published_at <= until`, newest published first."""
        ...
