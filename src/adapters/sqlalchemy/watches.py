"""SQL watch signals, counted views by hour, the trending table, and hashtag reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Integer,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    tuple_,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.read_statements import PUBLISHED
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.statements import insert_ignoring_conflicts
from adapters.sqlalchemy.tables import (
    not_interested,
    trending_hashtags,
    video_hashtags,
    video_view_hours,
    videos,
    watches,
)
from adapters.sqlalchemy.visibility_statements import listed_content
from application.ports.hashtag_queries import HashtagQueries, TrendingHashtag
from application.ports.watch_repository import WatchRepository
from domain.watching import Watch


def _upsert(dialect_name: str, table: Table) -> Any:
    """`INSERT` with an `on_conflict_do_update` for the connection's dialect."""
    return postgresql.insert(table) if dialect_name == "postgresql" else sqlite.insert(table)


# The visibility rule for everyone (`visibility.is_listed` of an anonymous viewer): videos in
# state `visible` by authors who are not suspended. Trending and hashtag counts are the same for
# every viewer.
LISTED = listed_content(videos.c.owner_id, videos.c.moderation_state, signed_in=False)


def published_count(tag: Any) -> Select[Any]:
    """How many published videos listed for everyone carry the hashtag `tag` (the primary key's
    (hashtag, video_id) order, then each video by its key)."""
    return (
        select(func.count().label("videos"))
        .select_from(video_hashtags.join(videos, videos.c.id == video_hashtags.c.video_id))
        .where(video_hashtags.c.hashtag == tag, PUBLISHED, LISTED)
    )


VIDEO_COUNT = published_count(bindparam("tag", type_=video_hashtags.c.hashtag.type))
TRENDING = select(trending_hashtags).order_by(trending_hashtags.c.position)


class SqlWatchRepository(WatchRepository):
    """On the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._dialect_name = connection.dialect.name

    async def record_watch(self, watch: Watch) -> None:
        statement = _upsert(self._dialect_name, watches).values(
            user_id=watch.user_id,
            video_id=watch.video_id,
            watched_at=watch.watched_at,
            watched_ms=watch.watched_ms,
            completed=watch.completed,
        )
        excluded = statement.excluded
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[watches.c.user_id, watches.c.video_id],
                set_={
                    "watched_at": excluded.watched_at,
                    "watched_ms": excluded.watched_ms,
                    "completed": excluded.completed,
                },
            )
        )

    async def mark_not_interested(self, user_id: UUID, video_id: UUID, at: datetime) -> None:
        statement = insert_ignoring_conflicts(self._dialect_name, not_interested)
        await self._connection.execute(
            statement.values(user_id=user_id, video_id=video_id, created_at=at)
        )

    async def count_view(self, video_id: UUID, hour: datetime) -> None:
        statement = _upsert(self._dialect_name, video_view_hours).values(
            video_id=video_id, hour=hour, views=1
        )
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[video_view_hours.c.video_id, video_view_hours.c.hour],
                set_={"views": video_view_hours.c.views + 1},
            )
        )

    async def forget_watches_before(self, cutoff: datetime, limit: int) -> int:
        key = tuple_(watches.c.user_id, watches.c.video_id)
        doomed = (
            select(watches.c.user_id, watches.c.video_id)
            .where(watches.c.watched_at < cutoff)
            .limit(limit)
        )
        result = await self._connection.execute(delete(watches).where(key.in_(doomed)))
        return int(result.rowcount or 0)

    async def forget_view_hours_before(self, cutoff: datetime, limit: int) -> int:
        key = tuple_(video_view_hours.c.video_id, video_view_hours.c.hour)
        doomed = (
            select(video_view_hours.c.video_id, video_view_hours.c.hour)
            .where(video_view_hours.c.hour < cutoff)
            .limit(limit)
        )
        result = await self._connection.execute(delete(video_view_hours).where(key.in_(doomed)))
        return int(result.rowcount or 0)

    async def refresh_trending(self, since: datetime, size: int) -> None:
        views = func.sum(video_view_hours.c.views).label("views")
        top = (
            select(video_hashtags.c.hashtag, views)
            .select_from(
                video_view_hours.join(
                    video_hashtags, video_hashtags.c.video_id == video_view_hours.c.video_id
                ).join(videos, videos.c.id == video_view_hours.c.video_id)
            )
            .where(video_view_hours.c.hour >= since, PUBLISHED, LISTED)
            .group_by(video_hashtags.c.hashtag)
            .order_by(views.desc(), video_hashtags.c.hashtag)
            .limit(size)
            .subquery("top")
        )
        position = func.row_number().over(order_by=(top.c.views.desc(), top.c.hashtag))
        rows = select(
            position.cast(Integer),
            top.c.hashtag,
            published_count(top.c.hashtag).scalar_subquery(),
            top.c.views,
        )
        await self._connection.execute(delete(trending_hashtags))
        await self._connection.execute(
            insert(trending_hashtags).from_select(
                ["position", "hashtag", "video_count", "recent_views"], rows
            )
        )


class SqlHashtagQueries(HashtagQueries):
    """Reads committed rows, one statement per call (outside any unit of work)."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)

    async def trending(self) -> Sequence[TrendingHashtag]:
        rows = await self._runner.rows(TRENDING, {})
        return [
            TrendingHashtag(
                tag=row.hashtag, video_count=row.video_count, recent_views=row.recent_views
            )
            for row in rows
        ]

    async def video_count(self, tag: str) -> int:
        rows = await self._runner.rows(VIDEO_COUNT, {"tag": tag})
        return int(rows[0]._mapping["videos"]) if rows else 0
