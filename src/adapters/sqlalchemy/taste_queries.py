"""SQL taste queries: a viewer's recent interactions in one statement (`UNION ALL` of each kind's
latest rows, read from the viewer's side of each table's index)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    Double,
    Integer,
    Select,
    String,
    Subquery,
    bindparam,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.read_statements import uuid_param
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.tables import (
    comments,
    follows,
    not_interested,
    video_hashtags,
    video_likes,
    videos,
    watches,
)
from application.ports.taste_queries import TasteQueries
from domain.taste import Interaction, Signal, watch_signal


def _of_videos(kind: str, source: Subquery) -> Select[Any]:
    """The kind, the video, its creator and each of its hashtags (NULL if none), and the watch
    columns of `source` (a subquery of `video_id`, `watched_ms`, `completed`)."""
    return select(
        literal(kind, String).label("kind"),
        source.c.video_id.label("key"),
        videos.c.owner_id.label("creator_id"),
        video_hashtags.c.hashtag.label("hashtag"),
        source.c.watched_ms,
        source.c.completed,
        videos.c.duration_seconds,
    ).select_from(
        source.join(videos, videos.c.id == source.c.video_id).outerjoin(
            video_hashtags, video_hashtags.c.video_id == videos.c.id
        )
    )


def _latest(table: Any, user_column: Any, time_column: Any, *extra: Any) -> Subquery:
    no_watch = () if extra else (null().cast(Integer).label("watched_ms"),)
    no_completion = () if extra else (null().cast(Boolean).label("completed"),)
    return (
        select(table.c.video_id, *no_watch, *no_completion, *extra)
        .where(user_column == uuid_param("viewer_id"))
        .order_by(time_column.desc())
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )


@functools.cache
def interactions_statement() -> Select[Any]:
    """Every kind of interaction of `viewer_id`: the latest `limit` of each (watches: since
    `watched_since`)."""
    watched = (
        select(watches.c.video_id, watches.c.watched_ms, watches.c.completed)
        .where(
            watches.c.user_id == uuid_param("viewer_id"),
            watches.c.watched_at > bindparam("watched_since", type_=watches.c.watched_at.type),
        )
        .order_by(watches.c.watched_at.desc())
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )
    followed = (
        select(follows.c.followee_id)
        .where(follows.c.follower_id == uuid_param("viewer_id"))
        .order_by(follows.c.created_at.desc())
        .limit(bindparam("limit", type_=Integer))
        .subquery()
    )
    follow_rows = select(
        literal(Signal.FOLLOW.value, String).label("kind"),
        followed.c.followee_id.label("key"),
        followed.c.followee_id.label("creator_id"),
        null().cast(String).label("hashtag"),
        null().cast(Integer).label("watched_ms"),
        null().cast(Boolean).label("completed"),
        null().cast(Double).label("duration_seconds"),
    ).select_from(followed)
    return union_all(
        _of_videos(
            Signal.LIKE.value,
            _latest(video_likes, video_likes.c.user_id, video_likes.c.created_at),
        ),
        _of_videos(
            Signal.COMMENT.value,
            _latest(comments, comments.c.author_id, comments.c.created_at),
        ),
        _of_videos(
            Signal.NOT_INTERESTED.value,
            _latest(not_interested, not_interested.c.user_id, not_interested.c.created_at),
        ),
        _of_videos("watch", watched),
        follow_rows,
    )  # type: ignore[return-value]


class SqlTasteQueries(TasteQueries):
    """One statement per call, outside any unit of work."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)

    async def interactions(
        self, viewer_id: UUID, *, watched_since: datetime, limit: int
    ) -> Sequence[Interaction]:
        rows = await self._runner.rows(
            interactions_statement(),
            {"viewer_id": viewer_id, "watched_since": watched_since, "limit": limit},
        )
        grouped: dict[tuple[str, UUID], tuple[Signal | None, UUID, list[str]]] = {}
        for row in rows:
            kind, key = str(row.kind), row.key
            entry = grouped.get((kind, key))
            if entry is None:
                signal = (
                    watch_signal(row.watched_ms, row.completed, row.duration_seconds)
                    if kind == "watch"
                    else Signal(kind)
                )
                entry = grouped[(kind, key)] = (signal, row.creator_id, [])
            if row.hashtag is not None:
                entry[2].append(row.hashtag)
        return [
            Interaction(signal, creator_id, tuple(tags))
            for signal, creator_id, tags in grouped.values()
            if signal is not None
        ]
