"""Routes of who liked a video: GET /api/v1/videos/{id}/likes."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import get
from litestar.params import FromPath, SkipValidation

from application.auth.results import Principal
from application.social.video_likers import ListVideoLikers, VideoLikersQuery
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.social import UserSummaryPageOut
from entrypoints.http.schemas.users import summary_out
from entrypoints.http.security import SECURITY


class VideoLikersController(ApiController):
    """The accounts that like a video, for its owner."""

    path = "/videos"
    tags = ["videos"]

    @get(
        "/{video_id:uuid}/likes",
        operation_id="listVideoLikers",
        summary="Who liked your video, newest first",
        description=described_by(ListVideoLikers),
        security=SECURITY,
        responses=problems(401, 403, 404),
    )
    async def likers(
        self,
        video_id: FromPath[UUID],
        principal: SkipValidation[Principal],
        list_video_likers: SkipValidation[ListVideoLikers],
        cursors: SkipValidation[CursorCodec],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> UserSummaryPageOut:
        page = await list_video_likers.execute(
            VideoLikersQuery(
                video_id=video_id,
                viewer_id=principal.user_id,
                limit=limit,
                after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
            )
        )
        return UserSummaryPageOut(
            items=[summary_out(liker.user, liker.is_following) for liker in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )
