"""Routes of your collections: GET /api/v1/users/me/saved and /api/v1/users/me/liked."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import get
from litestar.params import SkipValidation

from application.auth.results import Principal
from application.social.liked_videos import ListLikedVideos
from application.social.saved_videos import CollectionQuery, ListSavedVideos
from entrypoints.http.caching import NO_STORE
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.videos import VideoPageOut, video_out
from entrypoints.http.security import SECURITY


class CollectionsController(ApiController):
    """The videos you saved and the videos you liked."""

    path = "/users/me"
    tags = ["users"]

    @get(
        "/saved",
        operation_id="listSavedVideos",
        cache_control=NO_STORE,
        summary="The videos you saved, most recently saved first",
        description=described_by(ListSavedVideos),
        security=SECURITY,
        responses=problems(401),
    )
    async def saved(
        self,
        principal: SkipValidation[Principal],
        list_saved_videos: SkipValidation[ListSavedVideos],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> VideoPageOut:
        page = await list_saved_videos.execute(_query(principal, cursors, limit, cursor))
        return VideoPageOut(
            items=[video_out(v, base_url) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )

    @get(
        "/liked",
        operation_id="listLikedVideos",
        cache_control=NO_STORE,
        summary="The videos you liked, most recently liked first",
        description=described_by(ListLikedVideos),
        security=SECURITY,
        responses=problems(401),
    )
    async def liked(
        self,
        principal: SkipValidation[Principal],
        list_liked_videos: SkipValidation[ListLikedVideos],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> VideoPageOut:
        page = await list_liked_videos.execute(_query(principal, cursors, limit, cursor))
        return VideoPageOut(
            items=[video_out(v, base_url) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )


def _query(
    principal: Principal, cursors: CursorCodec, limit: int, cursor: str | None
) -> CollectionQuery:
    return CollectionQuery(
        user_id=principal.user_id,
        limit=limit,
        after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
    )
