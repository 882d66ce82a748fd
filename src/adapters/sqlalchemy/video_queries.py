"""SQL read-side video queries: each is one statement, the author joined from `users`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, and_, exists, literal_column, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.errors import database_errors
from adapters.sqlalchemy.tables import users, video_hashtags, video_words, videos
from adapters.sqlalchemy.videos import video_columns, video_from_row
from application.ports.videos import PublicVideoFilter, VideoKey, VideoView
from domain.users import User
from domain.videos import VideoStatus, Visibility

_AUTHOR_PREFIX = "author_"

# Spelled as literals, like the predicate of the partial index on (published_at, id), so that the
# PostgreSQL planner can prove that the index applies whatever the statement's parameters.
_PUBLISHED = and_(
    videos.c.status == literal_column(f"'{VideoStatus.READY.value}'"),
    videos.c.visibility == literal_column(f"'{Visibility.PUBLIC.value}'"),
)


class SqlVideoQueries:
    """Reads committed videos on a connection of its own per call (outside any unit of work)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._base = select(
            *video_columns(engine.dialect.name),
            *(column.label(_AUTHOR_PREFIX + column.name) for column in users.c),
        ).select_from(videos.join(users, users.c.id == videos.c.owner_id))

    async def get_view(self, video_id: UUID, viewer_id: UUID | None) -> VideoView | None:
        rows = await self._fetch(self._base.where(videos.c.id == video_id))
        return _view(rows[0], viewer_id) if rows else None

    async def list_by_owner(
        self,
        owner_id: UUID,
        viewer_id: UUID | None,
        *,
        include_unlisted: bool,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        query = self._base.where(videos.c.owner_id == owner_id)
        if not include_unlisted:
            query = query.where(_PUBLISHED)
        newest_first = (videos.c.created_at, videos.c.id)
        rows = await self._fetch(_page(query, newest_first, after, limit))
        return [_view(row, viewer_id) for row in rows]

    async def list_public(
        self,
        public_filter: PublicVideoFilter,
        viewer_id: UUID | None,
        *,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        query = self._base.where(_PUBLISHED)
        if public_filter.hashtag is not None:
            query = query.where(
                exists().where(
                    video_hashtags.c.video_id == videos.c.id,
                    video_hashtags.c.hashtag == public_filter.hashtag,
                )
            )
        for word in dict.fromkeys(public_filter.words):  # every word must be in the caption
            query = query.where(
                exists().where(video_words.c.video_id == videos.c.id, video_words.c.word == word)
            )
        newest_first = (videos.c.published_at, videos.c.id)
        rows = await self._fetch(_page(query, newest_first, after, limit))
        return [_view(row, viewer_id) for row in rows]

    async def _fetch(self, query: Select[Any]) -> list[Row[Any]]:
        with database_errors():
            async with self._engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    # One statement needs no explicit transaction: skip BEGIN and ROLLBACK.
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                return list(await connection.execute(query))


def _page(
    query: Select[Any],
    key: tuple[ColumnElement[Any], ColumnElement[Any]],
    after: VideoKey | None,
    limit: int,
) -> Select[Any]:
    """The `limit` rows before `after` in descending `key` order (a keyset page)."""
    if after is not None:
        # A plain tuple on the right: its values are bound with the types of the key's columns.
        query = query.where(tuple_(*key) < after)
    return query.order_by(*(column.desc() for column in key)).limit(limit)


def _view(row: Row[Any], viewer_id: UUID | None) -> VideoView:
    mapping = row._mapping
    author = User(**{column.name: mapping[_AUTHOR_PREFIX + column.name] for column in users.c})
    # Likes are not stored yet: nobody likes anything.
    return VideoView(
        video=video_from_row(row), author=author, liked_by_me=None if viewer_id is None else False
    )
