"""SQL read side of the social features: follower lists, comments and feeds.

Like `SqlVideoQueries`, each call is one statement on a connection of its own: the listed users or
authors are joined, and the viewer's flags are computed in the same statement.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Row,
    Select,
    bindparam,
    exists,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.reads import EngineReader, Reader
from adapters.sqlalchemy.social import comment_from_row
from adapters.sqlalchemy.tables import comment_likes, comments, follows, users, videos
from adapters.sqlalchemy.video_queries import (
    PUBLISHED,
    author_columns,
    author_from_row,
    bound_keyset_page,
    bound_video_views,
    keyset_page,
    liked_flag,
    liked_from_row,
    page_params,
    uuid_param,
    video_view,
    viewer_params,
)
from application.ports.comment_queries import CommentKey, CommentQueries, CommentView
from application.ports.feed_queries import FeedQueries, RankedVideo, RankKey
from application.ports.follow_queries import FollowEntry, FollowKey, FollowQueries
from application.ports.video_queries import VideoKey, VideoView


class SqlFollowQueries(FollowQueries):
    """Follower and following lists, newest follow first, with the listed users joined."""

    def __init__(self, engine: AsyncEngine, reader: Reader | None = None) -> None:
        self._engine = engine
        self._reader: Reader = reader or EngineReader(engine)

    async def followers(
        self, user_id: UUID, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        # Reads the index on (followee_id, created_at, follower_id) backwards.
        return await self._list(follows.c.followee_id, follows.c.follower_id, user_id, after, limit)

    async def following(
        self, user_id: UUID, *, after: FollowKey | None, limit: int
    ) -> Sequence[FollowEntry]:
        # Reads the index on (follower_id, created_at, followee_id) backwards.
        return await self._list(follows.c.follower_id, follows.c.followee_id, user_id, after, limit)

    async def followed_among(self, viewer_id: UUID, user_ids: Collection[UUID]) -> set[UUID]:
        if not user_ids:
            return set()
        rows = await self._reader.rows(
            select(follows.c.followee_id).where(
                follows.c.follower_id == viewer_id, follows.c.followee_id.in_(set(user_ids))
            ),
        )
        return {row.followee_id for row in rows}

    async def _list(
        self,
        this_side: ColumnElement[UUID],
        listed_side: ColumnElement[UUID],
        user_id: UUID,
        after: FollowKey | None,
        limit: int,
    ) -> list[FollowEntry]:
        query = (
            select(*author_columns(), follows.c.created_at.label("followed_at"))
            .select_from(follows.join(users, users.c.id == listed_side))
            .where(this_side == user_id)
        )
        newest_first = (follows.c.created_at, listed_side)
        rows = await self._reader.rows(keyset_page(query, newest_first, after, limit))
        return [FollowEntry(user=author_from_row(row), followed_at=row.followed_at) for row in rows]


class SqlCommentQueries(CommentQueries):
    """Comments with their authors and the viewer's like flag."""

    def __init__(self, engine: AsyncEngine, reader: Reader | None = None) -> None:
        self._engine = engine
        self._reader: Reader = reader or EngineReader(engine)

    async def get_view(self, comment_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        query = _comment_by_id(viewer_id is not None)
        rows = await self._reader.rows(
            query, {"comment_id": comment_id, **viewer_params(viewer_id)}
        )
        return _comment_view(rows[0]) if rows else None

    async def top_level(
        self, video_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        # `parent_id IS NULL` (no parameter) is the predicate of the partial index on
        # (video_id, created_at, id), which then serves the page in order.
        query = _top_level_comments(viewer_id is not None, after is not None)
        params = {"video_id": video_id, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._reader.rows(query, params)
        return [_comment_view(row) for row in rows]

    async def replies(
        self, comment_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        query = _replies(viewer_id is not None, after is not None)
        params = {"parent_id": comment_id, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._reader.rows(query, params)
        return [_comment_view(row) for row in rows]


class SqlFeedQueries(FeedQueries):
    """The Following feed, the ranked part of For You, and the newest-first rest of it."""

    def __init__(self, engine: AsyncEngine, reader: Reader | None = None) -> None:
        self._engine = engine
        self._reader: Reader = reader or EngineReader(engine)
        self._dialect_name = engine.dialect.name

    async def following(
        self, viewer_id: UUID, *, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        # A semi-join on the viewer's follows; per followed owner, the partial index on
        # (owner_id, published_at, id) holds exactly their published videos in order.
        query = _following_feed(self._dialect_name, after is not None)
        params = {**viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._reader.rows(query, params)
        return [video_view(row) for row in rows]

    async def ranked(
        self,
        viewer_id: UUID | None,
        *,
        snapshot: datetime,
        since: datetime,
        after: RankKey | None,
        limit: int,
    ) -> Sequence[RankedVideo]:
        # Reads the partial index on (rank, id) backwards, skipping the few videos of the index's
        # head that lie outside the window; the rank orders exactly as the score (domain.ranking).
        query = _ranked_feed(self._dialect_name, viewer_id is not None, after is not None)
        params = {
            "since": since,
            "snapshot": snapshot,
            **viewer_params(viewer_id),
            **page_params(after, limit),
        }
        rows = await self._reader.rows(query, params)
        return [RankedVideo(view=video_view(row), score=row.rank) for row in rows]

    async def older(
        self, viewer_id: UUID | None, *, until: datetime, after: VideoKey | None, limit: int
    ) -> Sequence[VideoView]:
        query = _older_feed(self._dialect_name, viewer_id is not None, after is not None)
        params = {"until": until, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._reader.rows(query, params)
        return [video_view(row) for row in rows]


# Statements built once per shape, with named parameters (see video_queries).


def _time_param(name: str) -> BindParameter[Any]:
    return bindparam(name, type_=videos.c.published_at.type)


@functools.cache
def _following_feed(dialect_name: str, after: bool) -> Select[Any]:
    followed = select(follows.c.followee_id).where(follows.c.follower_id == uuid_param("viewer_id"))
    query = bound_video_views(dialect_name, True).where(PUBLISHED, videos.c.owner_id.in_(followed))
    return bound_keyset_page(query, (videos.c.published_at, videos.c.id), after=after)


@functools.cache
def _ranked_feed(dialect_name: str, signed_in: bool, after: bool) -> Select[Any]:
    query = bound_video_views(dialect_name, signed_in).where(
        PUBLISHED,
        videos.c.published_at > _time_param("since"),
        videos.c.published_at <= _time_param("snapshot"),
    )
    # `rank` descending: (rank, id) is the key, as in `bound_keyset_page`.
    return bound_keyset_page(query, (videos.c.rank, videos.c.id), after=after)


@functools.cache
def _older_feed(dialect_name: str, signed_in: bool, after: bool) -> Select[Any]:
    query = bound_video_views(dialect_name, signed_in).where(
        PUBLISHED, videos.c.published_at <= _time_param("until")
    )
    return bound_keyset_page(query, (videos.c.published_at, videos.c.id), after=after)


@functools.cache
def _bound_comment_views(signed_in: bool) -> Select[Any]:
    liked = liked_flag(
        exists().where(
            comment_likes.c.user_id == uuid_param("viewer_id"),
            comment_likes.c.comment_id == comments.c.id,
        )
        if signed_in
        else None
    )
    return select(*comments.c, *author_columns(), liked).select_from(
        comments.join(users, users.c.id == comments.c.author_id)
    )


@functools.cache
def _comment_by_id(signed_in: bool) -> Select[Any]:
    return _bound_comment_views(signed_in).where(comments.c.id == uuid_param("comment_id"))


@functools.cache
def _top_level_comments(signed_in: bool, after: bool) -> Select[Any]:
    # `parent_id IS NULL` (no parameter) is the predicate of the partial index on
    # (video_id, created_at, id), which then serves the page in order.
    query = _bound_comment_views(signed_in).where(
        comments.c.video_id == uuid_param("video_id"), comments.c.parent_id.is_(None)
    )
    return bound_keyset_page(query, (comments.c.created_at, comments.c.id), after=after)


@functools.cache
def _replies(signed_in: bool, after: bool) -> Select[Any]:
    query = _bound_comment_views(signed_in).where(comments.c.parent_id == uuid_param("parent_id"))
    return bound_keyset_page(
        query, (comments.c.created_at, comments.c.id), after=after, descending=False
    )


def _comment_view(row: Row[Any]) -> CommentView:
    return CommentView(
        comment=comment_from_row(row), author=author_from_row(row), liked_by_me=liked_from_row(row)
    )
