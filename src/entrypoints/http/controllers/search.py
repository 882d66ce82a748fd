"""Routes of search: /api/v1/search."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import get
from litestar.params import QueryParameter, SkipValidation

from application.auth.results import Principal
from application.discovery.search_accounts import QUERY_MAX as USER_QUERY_MAX
from application.discovery.search_accounts import SearchAccounts, SearchAccountsQuery
from application.discovery.search_videos import QUERY_MAX as VIDEO_QUERY_MAX
from application.discovery.search_videos import SearchVideos, SearchVideosQuery
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Limit, viewer_id
from entrypoints.http.schemas.common import CONTROL, SPACE
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.users import UserPageOut, user_out
from entrypoints.http.schemas.videos import VideoPageOut, video_out
from entrypoints.http.security import OPTIONAL_SECURITY

SearchKeyShape = tuple[float, UUID]
SEARCH_CURSOR_MAX = 200  # a score and an id, signed: about 100 characters
SearchCursor = Annotated[
    str | None,
    QueryParameter(max_length=SEARCH_CURSOR_MAX, description="`nextCursor` of the previous page."),
]
# The use case's rule for a people search (422 otherwise), in the document: something besides
# spaces, and no control characters.
_PEOPLE_QUERY_PATTERN = rf"^[^{CONTROL}]*[^{SPACE}{CONTROL}][^{CONTROL}]*$"


class SearchController(ApiController):
    """Full-text search of videos and fuzzy search of users."""

    path = "/search"
    tags = ["discovery"]

    @get(
        "/videos",
        operation_id="searchVideos",
        summary="Search videos",
        description=described_by(SearchVideos),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 422),
    )
    async def videos(
        self,
        q: Annotated[
            str,
            QueryParameter(
                min_length=1,
                max_length=VIDEO_QUERY_MAX,
                description='Words, `"phrases"`, `-excluded` words, `#hashtags`; the last word '
                "also matches as a prefix; case and accents are ignored.",
            ),
        ],
        viewer: SkipValidation[Principal | None],
        search_videos: SkipValidation[SearchVideos],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        limit: Limit = 20,
        cursor: SearchCursor = None,
    ) -> VideoPageOut:
        page = await search_videos.execute(
            SearchVideosQuery(
                text=q,
                limit=limit,
                after=cursors.decode(cursor, SearchKeyShape) if cursor else None,
                viewer_id=viewer_id(viewer),
            )
        )
        return VideoPageOut(
            items=[video_out(v, base_url) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )

    @get(
        "/users",
        operation_id="searchAccounts",
        summary="Search users",
        description=described_by(SearchAccounts),
        security=OPTIONAL_SECURITY,
        responses=problems(401, 422),
    )
    async def users(
        self,
        q: Annotated[
            str,
            QueryParameter(
                min_length=1,
                max_length=USER_QUERY_MAX,
                description="A username or display name, or part or a near spelling of one "
                "(surrounding spaces ignored; no control characters).",
                schema_extra={"pattern": _PEOPLE_QUERY_PATTERN},
            ),
        ],
        viewer: SkipValidation[Principal | None],
        search_accounts: SkipValidation[SearchAccounts],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: SearchCursor = None,
    ) -> UserPageOut:
        page = await search_accounts.execute(
            SearchAccountsQuery(
                text=q,
                limit=limit,
                after=cursors.decode(cursor, SearchKeyShape) if cursor else None,
                viewer_id=viewer_id(viewer),
            )
        )
        return UserPageOut(
            items=[user_out(profile) for profile in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )
