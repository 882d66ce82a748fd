"""SQL read side of the social features: follower lists, comments and feeds.

Like `SqlVideoQueries`, each call is one statement (`read_statements`) on a connection of its own:
the listed users or authors are joined, and the viewer's flags are computed in the same statement.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import feed_statements
from adapters.sqlalchemy import read_statements as statements
from adapters.sqlalchemy.read_statements import FOLLOWS, page_params, viewer_params
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.social import comment_from_row
from adapters.sqlalchemy.video_queries import (
    author_from_row,
    block_from_row,
    flag_from_row,
    liked_from_row,
    video_view,
)
from application.ports.comment_queries import (
    CommentKey,
    CommentPosition,
    CommentQueries,
    CommentSort,
    CommentView,
)
from application.ports.feed_queries import FeedQueries, PersonalFilter, RankedVideo, RankKey
from application.ports.follow_queries import FollowEntry, FollowKey, FollowQueries
from application.ports.video_queries import VideoKey, VideoView


class SqlFollowQueries(FollowQueries):
    """Follower and following lists, newest follow first, with the listed users joined."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._engine = engine
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)
        self._dialect_name = engine.dialect.name

    async def followers(
        self, user_id: UUID, viewer_id: UUID | None, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        return await self._list("followers", user_id, viewer_id, after, limit)

    async def following(
        self, user_id: UUID, viewer_id: UUID | None, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        return await self._list("following", user_id, viewer_id, after, limit)

    async def followed_among(self, viewer_id: UUID, user_ids: Collection[UUID]) -> set[UUID]:
        if not user_ids:
            return set()
        rows = await self._runner.rows(
            statements.followed_among(self._dialect_name),
            {"viewer_id": viewer_id, "user_ids": list(set(user_ids))},
        )
        return {row.followee_id for row in rows}

    async def _list(
        self,
        direction: Literal["followers", "following"],
        user_id: UUID,
        viewer_id: UUID | None,
        after: FollowKey | None,
        limit: int,
    ) -> list[FollowEntry]:
        query = statements.follow_list(direction, viewer_id is not None, after is not None)
        params = {"user_id": user_id, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._runner.rows(query, params)
        return [
            FollowEntry(
                user=author_from_row(row),
                followed_at=row.followed_at,
                is_following=flag_from_row(row, FOLLOWS),
            )
            for row in rows
        ]


class SqlCommentQueries(CommentQueries):
    """Comments with their authors and the viewer's like flag."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._engine = engine
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)

    async def get_view(self, comment_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        query = statements.comment_by_id(viewer_id is not None)
        rows = await self._runner.rows(
            query, {"comment_id": comment_id, **viewer_params(viewer_id)}
        )
        if not rows:
            return None
        return dataclasses.replace(_comment_view(rows[0]), block=block_from_row(rows[0]))

    async def top_level(
        self,
        video_id: UUID,
        viewer_id: UUID | None,
        *,
        sort: CommentSort = "newest",
        after: CommentPosition | None,
        limit: int,
    ) -> Sequence[CommentView]:
        query = statements.top_level_comments(
            viewer_id is not None, sort == "top", after is not None
        )
        params = {"video_id": video_id, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._runner.rows(query, params)
        return [_comment_view(row) for row in rows]

    async def pinned(self, video_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        query = statements.pinned_comment(viewer_id is not None)
        rows = await self._runner.rows(query, {"video_id": video_id, **viewer_params(viewer_id)})
        return _comment_view(rows[0]) if rows else None

    async def replies(
        self, comment_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        query = statements.replies(viewer_id is not None, after is not None)
        params = {"parent_id": comment_id, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._runner.rows(query, params)
        return [_comment_view(row) for row in rows]


class SqlFeedQueries(FeedQueries):
    """The Following feed, the ranked part of For You, and the newest-first rest of it."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._engine = engine
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)
        self._dialect_name = engine.dialect.name

    async def following(
        self, viewer_id: UUID, *, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        query = feed_statements.following_feed(self._dialect_name, after is not None)
        params = {**viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._runner.rows(query, params)
        return [video_view(row) for row in rows]

    async def ranked(
        self,
        viewer_id: UUID | None,
        *,
        snapshot: datetime,
        since: datetime,
        after: RankKey | None,
        limit: int,
        personal: PersonalFilter | None = None,
    ) -> Sequence[RankedVideo]:
        signed_in, mine = viewer_id is not None, personal is not None and viewer_id is not None
        pinned = mine and bool(personal and personal.pinned)
        query = feed_statements.ranked_feed(
            self._dialect_name, signed_in, after is not None, mine, pinned
        )
        params = {
            "since": since,
            "snapshot": snapshot,
            **viewer_params(viewer_id),
            **_personal_params(personal if mine else None),
            **page_params(after, limit),
        }
        rows = await self._runner.rows(query, params)
        return [RankedVideo(view=video_view(row), score=row.rank) for row in rows]

    async def fresh_and_followed(
        self,
        viewer_id: UUID,
        *,
        snapshot: datetime,
        since: datetime,
        fresh_since: datetime,
        max_views: int,
        limit: int,
        personal: PersonalFilter,
    ) -> Sequence[RankedVideo]:
        query = feed_statements.fresh_and_followed(self._dialect_name)
        params = {
            "snapshot": snapshot,
            "since": since,
            "fresh_since": fresh_since,
            "max_views": max_views,
            **viewer_params(viewer_id),
            "watched_since": personal.watched_since,
            **page_params(None, limit),
        }
        rows = await self._runner.rows(query, params)
        return [RankedVideo(view=video_view(row), score=row.rank) for row in rows]

    async def published_among(
        self, viewer_id: UUID | None, video_ids: Sequence[UUID]
    ) -> Sequence[VideoView]:
        if not video_ids:
            return []
        query = feed_statements.published_among(self._dialect_name, viewer_id is not None)
        params = {"video_ids": list(video_ids), **viewer_params(viewer_id)}
        rows = await self._runner.rows(query, params)
        return [video_view(row) for row in rows]

    async def older(
        self,
        viewer_id: UUID | None,
        *,
        until: datetime,
        after: VideoKey | None,
        limit: int,
        personal: PersonalFilter | None = None,
    ) -> Sequence[VideoView]:
        signed_in, mine = viewer_id is not None, personal is not None and viewer_id is not None
        pinned = mine and bool(personal and personal.pinned)
        query = feed_statements.older_feed(
            self._dialect_name, signed_in, after is not None, mine, pinned
        )
        params = {
            "until": until,
            **viewer_params(viewer_id),
            **_personal_params(personal if mine else None),
            **page_params(after, limit),
        }
        rows = await self._runner.rows(query, params)
        return [video_view(row) for row in rows]


def _personal_params(personal: PersonalFilter | None) -> dict[str, Any]:
    if personal is None:
        return {}
    params: dict[str, Any] = {"watched_since": personal.watched_since}
    if personal.pinned:
        params["pinned_ids"] = list(personal.pinned)
    return params


def comment_view_of(row: Row[Any]) -> CommentView:
    """The `CommentView` of a row selected with `read_statements.comment_views`."""
    return _comment_view(row)


def _comment_view(row: Row[Any]) -> CommentView:
    return CommentView(
        comment=comment_from_row(row),
        author=author_from_row(row),
        liked_by_me=liked_from_row(row),
        follows_author=flag_from_row(row, FOLLOWS),
    )
