"""Routes of the feeds: /api/v1/feed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec
from litestar import get, post
from litestar.params import JSONBody, SkipValidation

from application.auth.results import Principal
from application.social.feed_feedback import FeedFeedbackCommand, GiveFeedFeedback
from application.social.feed_position import ForYouPosition
from application.social.feeds import (
    DESCRIPTION,
    FollowingFeed,
    FollowingFeedQuery,
    ForYouFeed,
    ForYouQuery,
)
from entrypoints.http.controllers.base import ApiController
from entrypoints.http.cursors import CursorCodec
from entrypoints.http.paging import Cursor, Limit, audience, viewer_id
from entrypoints.http.schemas.problems import described_by, problems
from entrypoints.http.schemas.videos import VideoPageOut, video_out
from entrypoints.http.security import OPTIONAL_SECURITY, SECURITY

ForYouCursor = tuple[
    datetime, int, float | None, datetime | None, UUID | None, UUID | None, int, int
]


class FeedFeedbackIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """Feedback on a video of your For You."""

    video_id: UUID
    kind: Literal["not_interested"]


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
            next_cursor = cursors.encode(
                (
                    p.snapshot,
                    p.phase,
                    p.score,
                    p.published_at,
                    p.video_id,
                    p.walk_id,
                    p.page,
                    p.offset,
                )
            )
        return VideoPageOut(
            items=[video_out(v, base_url, audience(viewer)) for v in page.items],
            next_cursor=next_cursor,
        )

    @post(
        "/feedback",
        operation_id="giveFeedFeedback",
        status_code=204,
        summary="Not interested",
        description=described_by(GiveFeedFeedback),
        security=SECURITY,
        responses=problems(401, 404, json_body=True),
    )
    async def feedback(
        self,
        data: JSONBody[FeedFeedbackIn],
        principal: SkipValidation[Principal],
        give_feed_feedback: SkipValidation[GiveFeedFeedback],
    ) -> None:
        await give_feed_feedback.execute(
            FeedFeedbackCommand(user_id=principal.user_id, video_id=data.video_id, kind=data.kind)
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
