"""Who follows an account, and whom it follows."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.account_queries import AccountQueries
from application.ports.follow_queries import FollowEntry, FollowKey, FollowQueries
from domain.errors import NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowListQuery:
    user_id: UUID
    limit: int
    after: FollowKey | None = None
    viewer_id: UUID | None = None


class ListFollowers:
    """The accounts following a user, most recent follow first, each with whether the viewer
    follows it (null when anonymous)."""

    def __init__(self, accounts: AccountQueries, queries: FollowQueries) -> None:
        self._accounts = accounts
        self._queries = queries

    async def execute(self, query: FollowListQuery) -> Page[FollowEntry, FollowKey]:
        await _require_user(self._accounts, query.user_id)
        rows = await self._queries.followers(
            query.user_id, query.viewer_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda e: (e.followed_at, e.user.id))


class ListFollowing:
    """The accounts a user follows, most recent follow first, each with whether the viewer
    follows it (null when anonymous)."""

    def __init__(self, accounts: AccountQueries, queries: FollowQueries) -> None:
        self._accounts = accounts
        self._queries = queries

    async def execute(self, query: FollowListQuery) -> Page[FollowEntry, FollowKey]:
        await _require_user(self._accounts, query.user_id)
        rows = await self._queries.following(
            query.user_id, query.viewer_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda e: (e.followed_at, e.user.id))


async def _require_user(accounts: AccountQueries, user_id: UUID) -> None:
    if await accounts.user(user_id) is None:
        raise NotFound("No such user.")
