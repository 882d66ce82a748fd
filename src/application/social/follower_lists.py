"""Who follows an account, and whom it follows."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.visibility import ANONYMOUS, Viewer, require_visible_account
from application.ports.account_queries import AccountQueries
from application.ports.follow_queries import FollowEntry, FollowKey, FollowQueries


@dataclass(frozen=True, slots=True, kw_only=True)
class FollowListQuery:
    user_id: UUID
    limit: int
    after: FollowKey | None = None
    viewer: Viewer = ANONYMOUS


class ListFollowers:
    """The accounts following a user, most recent follow first, each with whether the viewer
    follows it (null when anonymous): 404 for a profile the viewer may not see; the accounts
    listed for the viewer only (`visibility.account_is_listed`)."""

    def __init__(self, accounts: AccountQueries, queries: FollowQueries) -> None:
        self._accounts = accounts
        self._queries = queries

    async def execute(self, query: FollowListQuery) -> Page[FollowEntry, FollowKey]:
        await require_visible_account(self._accounts, query.user_id, query.viewer)
        rows = await self._queries.followers(
            query.user_id, query.viewer.user_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda e: (e.followed_at, e.user.id))


class ListFollowing:
    """The accounts a user follows, most recent follow first, each with whether the viewer
    follows it (null when anonymous): 404 for a profile the viewer may not see; the accounts
    listed for the viewer only (`visibility.account_is_listed`)."""

    def __init__(self, accounts: AccountQueries, queries: FollowQueries) -> None:
        self._accounts = accounts
        self._queries = queries

    async def execute(self, query: FollowListQuery) -> Page[FollowEntry, FollowKey]:
        await require_visible_account(self._accounts, query.user_id, query.viewer)
        rows = await self._queries.following(
            query.user_id, query.viewer.user_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda e: (e.followed_at, e.user.id))
