"""Read a profile by id or by username."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.account_queries import AccountQueries
from application.ports.follow_queries import FollowQueries
from application.users.profile import Profile
from domain.errors import NotFound
from domain.values import could_be_username, normalize_username


@dataclass(frozen=True, slots=True, kw_only=True)
class GetUserQuery:
    """Exactly one of `user_id` and `username` is set."""

    user_id: UUID | None = None
    username: str | None = None
    viewer_id: UUID | None = None


class GetUser:
    """A profile by id, or by username (case-insensitive); 404 when there is none.

    `isFollowing` is filled for a signed-in viewer and null for anonymous ones.
    """

    def __init__(self, accounts: AccountQueries, follows: FollowQueries) -> None:
        self._accounts = accounts
        self._follows = follows

    async def execute(self, query: GetUserQuery) -> Profile:
        if query.user_id is not None:
            user = await self._accounts.user(query.user_id)
        else:
            username = normalize_username(query.username or "")
            found = could_be_username(username)
            user = await self._accounts.user_by_username(username) if found else None
        if user is None:
            raise NotFound("No such user.")
        if query.viewer_id is None:
            return Profile(user=user, is_following=None)
        followed = await self._follows.followed_among(query.viewer_id, [user.id])
        return Profile(user=user, is_following=user.id in followed)
