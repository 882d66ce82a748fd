"""Find users by username prefix."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.follow_queries import FollowQueries
from application.ports.unit_of_work import UnitOfWorkFactory
from application.users.profile import Profile
from domain.values import could_start_username, normalize_username


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchUsersQuery:
    prefix: str
    limit: int
    after: str | None = None
    viewer_id: UUID | None = None


class SearchUsers:
    """Users whose username starts with `q` (case-insensitive), in username order, keyset-paged;
    only those listed for the viewer (`visibility.account_is_listed`: not suspended, no block
    either way)."""

    def __init__(self, uow: UnitOfWorkFactory, follows: FollowQueries) -> None:
        self._uow = uow
        self._follows = follows

    async def execute(self, query: SearchUsersQuery) -> Page[Profile, str]:
        prefix = normalize_username(query.prefix)
        if not could_start_username(prefix):  # no username has characters outside [a-z0-9_.]
            return Page(items=[], next_key=None)
        async with self._uow() as uow:
            rows = await uow.users.search_by_username_prefix(
                prefix, viewer_id=query.viewer_id, after=query.after, limit=query.limit + 1
            )
        page = page_from(rows, query.limit, key_of=lambda user: user.username)
        followed: set[UUID] = set()
        if query.viewer_id is not None and page.items:
            followed = await self._follows.followed_among(
                query.viewer_id, [u.id for u in page.items]
            )
        return Page(
            items=[
                Profile(
                    user=user,
                    is_following=None if query.viewer_id is None else user.id in followed,
                    is_blocking=None if query.viewer_id is None else False,  # blocked: not listed
                )
                for user in page.items
            ],
            next_key=page.next_key,
        )
