"""Routes of the feeds: /api/v1/feed."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from litestar import get
from litestar.params import SkipValidation

from application.auth.results import Principal
from application.social.feeds import (
    DESCRIPTION,
    FollowingFeed,
    FollowingFeedQuery,
    ForYouFeed,
    ForYouPosition,
    ForYouQuery,
)
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit, audience, viewer_id
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.videos import VideoPageOut, video_out
from entrypoints.http.security import OPTIONAL_SECURITY, SECURITY

ForYouCursor = tuple[datetime, int, float | None, datetime | None, UUID | None]


class FeedController(ApiController):
    """The For You and Following feeds."""

    path = "/feed"
    tags = ["feeds"]

    @get(
        "/",
        operation_id="forYouFeed",
        summary="For You",
        description=DESCRIPTION,
        security=OPTIONAL_SECURITY,
        responses=problems(401),
    )
    async def for_you(
        self,
        viewer: SkipValidation[Principal | None],
        for_you_feed: SkipValidation[ForYouFeed],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> VideoPageOut:
        position = ForYouPosition(*cursors.decode(cursor, ForYouCursor)) if cursor else None
        page = await for_you_feed.execute(
            ForYouQuery(limit=limit, position=position, viewer_id=viewer_id(viewer))
        )
        next_cursor = None
        if (p := page.next_key) is not None:
            next_cursor = cursors.encode((p.snapshot, p.phase, p.score, p.published_at, p.video_id))
        return VideoPageOut(
            items=[video_out(v, base_url, audience(viewer)) for v in page.items],
            next_cursor=next_cursor,
        )

    @get(
        "/following",
        operation_id="followingFeed",
        summary="Following",
        description=described_by(FollowingFeed),
        security=SECURITY,
        responses=problems(401),
    )
    async def following(
        self,
        principal: SkipValidation[Principal],
        following_feed: SkipValidation[FollowingFeed],
        cursors: SkipValidation[CursorCodec],
        base_url: SkipValidation[str],
        limit: Limit = 20,
        cursor: Cursor = None,
    ) -> VideoPageOut:
        page = await following_feed.execute(
            FollowingFeedQuery(
                viewer_id=principal.user_id,
                limit=limit,
                after=cursors.decode(cursor, tuple[datetime, UUID]) if cursor else None,
            )
        )
        return VideoPageOut(
            items=[video_out(v, base_url, audience(principal)) for v in page.items],
            next_cursor=cursors.encode(page.next_key) if page.next_key else None,
        )
