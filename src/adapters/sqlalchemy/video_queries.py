"""SQL read-side video queries: each is one statement, the author joined from `users` and the
viewer's like flag computed in the same statement.

The helpers below (`video_views`, `video_view`, `author_columns`, `author_from_row`,
`liked_flag`) are shared with the social read side (`social_queries.py`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Label,
    Row,
    Select,
    and_,
    bindparam,
    exists,
    literal_column,
    null,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.reads import EngineReader, Reader
from adapters.sqlalchemy.tables import users, video_hashtags, video_likes, video_words, videos
from adapters.sqlalchemy.videos import video_columns, video_from_row
from application.ports.video_queries import PublicVideoFilter, VideoKey, VideoQueries, VideoView
from domain.users import User
from domain.videos import VideoStatus, Visibility

_AUTHOR_PREFIX = "by_"  # unlike "author_", clashes with no column of videos or comments
_LIKED = "liked_by_me"

# Spelled as literals, like the predicate of the partial indexes on published videos, so that the
# PostgreSQL planner can prove that an index applies whatever the statement's parameters.
PUBLISHED = and_(
    videos.c.status == literal_column(f"'{VideoStatus.READY.value}'"),
    videos.c.visibility == literal_column(f"'{Visibility.PUBLIC.value}'"),
)


class SqlVideoQueries(VideoQueries):
    """Reads committed videos on a connection of its own per call (outside any unit of work)."""

    def __init__(self, engine: AsyncEngine, reader: Reader | None = None) -> None:
        self._engine = engine
        self._reader: Reader = reader or EngineReader(engine)
        self._dialect_name = engine.dialect.name

    async def get_view(self, video_id: UUID, viewer_id: UUID | None) -> VideoView | None:
        query = _video_by_id(self._dialect_name, viewer_id is not None)
        rows = await self._reader.rows(query, {"video_id": video_id, **viewer_params(viewer_id)})
        return video_view(rows[0]) if rows else None

    async def list_by_owner(
        self,
        owner_id: UUID,
        viewer_id: UUID | None,
        *,
        include_unlisted: bool,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        query = _videos_of_owner(
            self._dialect_name, viewer_id is not None, include_unlisted, after is not None
        )
        params = {"owner_id": owner_id, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._reader.rows(query, params)
        return [video_view(row) for row in rows]

    async def list_public(
        self,
        public_filter: PublicVideoFilter,
        viewer_id: UUID | None,
        *,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        query = video_views(self._dialect_name, viewer_id).where(PUBLISHED)
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
        rows = await self._reader.rows(keyset_page(query, newest_first, after, limit))
        return [video_view(row) for row in rows]


# Statements built once per shape, with named parameters (hot paths: no statement is built or keyed
# per request; see adapters.sqlalchemy.reads).


def uuid_param(name: str) -> BindParameter[Any]:
    return bindparam(name, type_=videos.c.id.type)


@functools.cache
def bound_video_views(dialect_name: str, signed_in: bool) -> Select[Any]:
    """`video_views` with the viewer as the parameter `viewer_id` (given by `viewer_params`)."""
    liked = liked_flag(
        exists().where(
            video_likes.c.user_id == uuid_param("viewer_id"), video_likes.c.video_id == videos.c.id
        )
        if signed_in
        else None
    )
    return select(*video_columns(dialect_name), *author_columns(), liked).select_from(
        videos.join(users, users.c.id == videos.c.owner_id)
    )


def viewer_params(viewer_id: UUID | None) -> dict[str, Any]:
    return {} if viewer_id is None else {"viewer_id": viewer_id}


def bound_keyset_page(
    query: Select[Any],
    key: tuple[ColumnElement[Any], ColumnElement[Any]],
    *,
    after: bool,
    descending: bool = True,
) -> Select[Any]:
    """`keyset_page` with the position as `after_0`, `after_1` and the size as `page_limit`
    (given by `page_params`)."""
    if after:
        position = tuple_(*key)
        bound = tuple_(
            bindparam("after_0", type_=key[0].type), bindparam("after_1", type_=key[1].type)
        )
        query = query.where(position < bound if descending else position > bound)
    order = [column.desc() if descending else column.asc() for column in key]
    return query.order_by(*order).limit(bindparam("page_limit", type_=Integer))


def page_params(after: tuple[Any, Any] | None, limit: int) -> dict[str, Any]:
    params: dict[str, Any] = {"page_limit": limit}
    if after is not None:
        params["after_0"], params["after_1"] = after
    return params


@functools.cache
def _video_by_id(dialect_name: str, signed_in: bool) -> Select[Any]:
    return bound_video_views(dialect_name, signed_in).where(videos.c.id == uuid_param("video_id"))


@functools.cache
def _videos_of_owner(
    dialect_name: str, signed_in: bool, include_unlisted: bool, after: bool
) -> Select[Any]:
    query = bound_video_views(dialect_name, signed_in).where(
        videos.c.owner_id == uuid_param("owner_id")
    )
    if not include_unlisted:
        query = query.where(PUBLISHED)
    return bound_keyset_page(query, (videos.c.created_at, videos.c.id), after=after)


def video_views(dialect_name: str, viewer_id: UUID | None) -> Select[Any]:
    """Videos joined with their authors, and whether `viewer_id` likes each (read by `video_view`)."""
    liked = liked_flag(
        None
        if viewer_id is None
        else exists().where(
            video_likes.c.user_id == viewer_id, video_likes.c.video_id == videos.c.id
        )
    )
    return select(*video_columns(dialect_name), *author_columns(), liked).select_from(
        videos.join(users, users.c.id == videos.c.owner_id)
    )


def video_view(row: Row[Any]) -> VideoView:
    """The `VideoView` of a row selected with `video_views`."""
    return VideoView(
        video=video_from_row(row), author=author_from_row(row), liked_by_me=liked_from_row(row)
    )


def author_columns() -> list[Label[Any]]:
    """Every `users` column, prefixed so that they never clash with the main table's names."""
    return [column.label(_AUTHOR_PREFIX + column.name) for column in users.c]


def author_from_row(row: Row[Any]) -> User:
    """The `User` of a row selected with `author_columns`."""
    mapping = row._mapping
    return User(**{column.name: mapping[_AUTHOR_PREFIX + column.name] for column in users.c})


def liked_flag(like_exists: ColumnElement[bool] | None) -> Label[Any]:
    """The viewer's like flag as a column: the EXISTS of their like, or NULL when anonymous."""
    if like_exists is None:
        return null().label(_LIKED)
    return like_exists.label(_LIKED)


def liked_from_row(row: Row[Any]) -> bool | None:
    """The flag of `liked_flag` (SQLite answers EXISTS with 0 or 1)."""
    value = row._mapping[_LIKED]
    return None if value is None else bool(value)


def keyset_page(
    query: Select[Any],
    key: tuple[ColumnElement[Any], ColumnElement[Any]],
    after: tuple[Any, Any] | None,
    limit: int,
    *,
    descending: bool = True,
) -> Select[Any]:
    """The `limit` rows after the position `after` in `key` order (descending unless told)."""
    if after is not None:
        # A plain tuple on the right: its values are bound with the types of the key's columns.
        position = tuple_(*key)
        query = query.where(position < after if descending else position > after)
    order = [column.desc() if descending else column.asc() for column in key]
    return query.order_by(*order).limit(limit)
