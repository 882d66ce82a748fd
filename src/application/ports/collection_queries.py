"""Port: a user's collections (saved and liked videos) and who liked a video (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.ports.video_queries import VideoView
from domain.users import User

CollectedKey = tuple[datetime, UUID]
"""A keyset position in a collection: (saved or liked at, the video's or the user's id),
descending."""


@dataclass(frozen=True, slots=True)
class CollectedVideo:
    """A video of a user's collection and when it was saved (or liked)."""

    view: VideoView
    collected_at: datetime


@dataclass(frozen=True, slots=True)
class Liker:
    """An account that likes a video, when it liked it, and whether the viewer follows it."""

    user: User
    liked_at: datetime
    is_following: bool


class CollectionQueries(Protocol):
    """Saved and liked videos of a user, and the accounts that like a video, each in one round
    trip with the viewer's flags."""

    async def saved(
        self, user_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[CollectedVideo]:
        """The videos `user_id` saved and can see (`Video.is_visible_to`, listed for them by
        `visibility.is_listed`), newest save first."""
        ...

    async def liked(
        self, user_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[CollectedVideo]:
        """The videos `user_id` liked and can see (`Video.is_visible_to`, listed for them by
        `visibility.is_listed`), newest like first."""
        ...

    async def likers(
        self, video_id: UUID, viewer_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[Liker]:
        """The accounts that like the video listed for the viewer
        (`visibility.account_is_listed`), newest like first."""
        ...
