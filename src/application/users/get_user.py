"""Read a profile by id or by username."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import ANONYMOUS, Viewer, can_see_account
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
    viewer: Viewer = ANONYMOUS


class GetUser:
    """A profile by id, or by username (case-insensitive); 404 when there is none or the viewer
    may not see it (`visibility.can_see_account`: suspended, or blocking the viewer; whom you
    block stays visible to you, so you can unblock them).

    `isFollowing` and `isBlocking` are filled for a signed-in viewer and null for anonymous ones.
    """

    def __init__(self, accounts: AccountQueries, follows: FollowQueries) -> None:
        self._accounts = accounts
        self._follows = follows

    async def execute(self, query: GetUserQuery) -> Profile:
        viewer_id = query.viewer.user_id
        if query.user_id is not None:
            found = await self._accounts.account(query.user_id, None, viewer_id)
        else:
            username = normalize_username(query.username or "")
            found = (
                await self._accounts.account(None, username, viewer_id)
                if could_be_username(username)
                else None
            )
        if found is None or not can_see_account(query.viewer, found.user, found.block):
            raise NotFound("No such user.")
        user = found.user
        if viewer_id is None:
            return Profile(user=user, is_following=None)
        followed = await self._follows.followed_among(viewer_id, [user.id])
        return Profile(
            user=user, is_following=user.id in followed, is_blocking=found.block.blocking
        )
