"""Port: follower and following lists (read side)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.users import User

FollowKey = tuple[datetime, UUID]
"""A keyset position in a follower list: (followed at, the listed user's id), descending."""


@dataclass(frozen=True, slots=True)
class FollowEntry:
    """A user in a follower/following list, when the follow began, and whether the viewer follows
    the user (None when anonymous)."""

    user: User
    followed_at: datetime
    is_following: bool | None


class FollowQueries(Protocol):
    """Follower and following lists (with the viewer's follow flag of each listed user, in the
    same round trip), and follow flags for a viewer."""

    async def followers(
        self, user_id: UUID, viewer_id: UUID | None, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        """Who follows `user_id`, newest follow first: the accounts listed for the viewer
        (`visibility.account_is_listed`)."""
        ...

    async def following(
        self, user_id: UUID, viewer_id: UUID | None, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        """Whom `user_id` follows, newest follow first: the accounts listed for the viewer
        (`visibility.account_is_listed`)."""
        ...

    async def followed_among(self, viewer_id: UUID, user_ids: Collection[UUID]) -> set[UUID]:
        """Which of `user_ids` the viewer follows (one round trip)."""
        ...
