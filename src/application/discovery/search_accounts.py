"""Find users by username or display name: exact, prefix, then similar spelling."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.profile import Profile
from application.ports.follow_queries import FollowQueries
from application.ports.search_index import SearchIndex, SearchKey
from domain.errors import ValidationFailed
from domain.search import USER_SCORE

QUERY_MAX = 100


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchAccountsQuery:
    text: str
    limit: int
    after: SearchKey | None = None
    viewer_id: UUID | None = None


class SearchAccounts:
    """Users by how well their username or display name matches `q` (case ignored)."""

    def __init__(self, index: SearchIndex, follows: FollowQueries) -> None:
        self._index = index
        self._follows = follows

    async def execute(self, query: SearchAccountsQuery) -> Page[Profile, SearchKey]:
        text = query.text.strip().lower()
        if not 1 <= len(text) <= QUERY_MAX:
            raise ValidationFailed.single("q", f"must be 1..{QUERY_MAX} characters, not all spaces")
        if any(ch < " " or ch == "\x7f" for ch in text):
            raise ValidationFailed.single("q", "must not contain control characters")
        rows = await self._index.find_users(
            text, query.viewer_id, after=query.after, limit=query.limit + 1
        )
        page = page_from(rows, query.limit, key_of=lambda found: (found.score, found.user.id))
        followed: set[UUID] = set()
        if query.viewer_id is not None and page.items:
            followed = await self._follows.followed_among(
                query.viewer_id, [found.user.id for found in page.items]
            )
        return Page(
            items=[
                Profile(
                    user=found.user,
                    is_following=None if query.viewer_id is None else found.user.id in followed,
                    is_blocking=None if query.viewer_id is None else False,  # blocked: not listed
                )
                for found in page.items
            ],
            next_key=page.next_key,
        )


SearchAccounts.__doc__ = (
    "Users by how well their username or display name matches `q` (case ignored): exact, then "
    "prefix, then similar spelling (`anna` finds `ana_b`). Score: "
    + USER_SCORE
    + " Pages continue "
    "after the last (score, id) seen."
)
