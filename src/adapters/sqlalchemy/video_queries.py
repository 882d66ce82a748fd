"""SQL read-side video queries: each is one statement (`read_statements`), the author joined from
`users` and the viewer's like flag computed in the same statement.

The row mappings below (`video_view`, `author_from_row`, `flag_from_row`) are shared with the
social read side (`social_queries.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import read_statements as statements
from adapters.sqlalchemy.read_statements import (
    AUTHOR_PREFIX,
    FOLLOWS,
    LIKED,
    SAVED,
    page_params,
    viewer_params,
)
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.tables import users
from adapters.sqlalchemy.videos import video_from_row
from adapters.sqlalchemy.visibility_statements import BLOCKED_BY, BLOCKING
from application.ports.video_queries import PublicVideoFilter, VideoKey, VideoQueries, VideoView
from domain.moderation import NO_BLOCK, BlockRelation, Role
from domain.users import User


class SqlVideoQueries(VideoQueries):
    """Reads committed videos on a connection of its own per call (outside any unit of work)."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._engine = engine
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)
        self._dialect_name = engine.dialect.name

    async def get_view(self, video_id: UUID, viewer_id: UUID | None) -> VideoView | None:
        query = statements.video_by_id(self._dialect_name, viewer_id is not None)
        rows = await self._runner.rows(query, {"video_id": video_id, **viewer_params(viewer_id)})
        return video_view(rows[0], block=block_from_row(rows[0])) if rows else None

    async def list_by_owner(
        self,
        owner_id: UUID,
        viewer_id: UUID | None,
        *,
        include_unlisted: bool,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        query = statements.videos_of_owner(
            self._dialect_name, viewer_id is not None, include_unlisted, after is not None
        )
        params = {"owner_id": owner_id, **viewer_params(viewer_id), **page_params(after, limit)}
        rows = await self._runner.rows(query, params)
        return [video_view(row) for row in rows]

    async def list_public(
        self,
        public_filter: PublicVideoFilter,
        viewer_id: UUID | None,
        *,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        words = tuple(dict.fromkeys(public_filter.words))  # every word must be in the caption
        query = statements.public_videos(
            self._dialect_name,
            viewer_id is not None,
            public_filter.hashtag is not None,
            len(words),
            after is not None,
        )
        params = {
            **statements.public_video_params(public_filter.hashtag, words),
            **viewer_params(viewer_id),
            **page_params(after, limit),
        }
        rows = await self._runner.rows(query, params)
        return [video_view(row) for row in rows]


def video_view(row: Row[Any], block: BlockRelation = NO_BLOCK) -> VideoView:
    """The `VideoView` of a row selected with `read_statements.video_view_columns`."""
    return VideoView(
        video=video_from_row(row),
        author=author_from_row(row),
        liked_by_me=liked_from_row(row),
        saved_by_me=flag_from_row(row, SAVED),
        follows_author=flag_from_row(row, FOLLOWS),
        block=block,
    )


def author_from_row(row: Row[Any]) -> User:
    """The `User` of a row selected with `read_statements.author_columns`."""
    mapping = row._mapping
    fields = {column.name: mapping[AUTHOR_PREFIX + column.name] for column in users.c}
    fields["role"] = Role(fields["role"])
    return User(**fields)


def block_from_row(row: Row[Any]) -> BlockRelation:
    """The flags of `read_statements.block_flags` (SQLite answers EXISTS with 0 or 1)."""
    mapping = row._mapping
    return BlockRelation(blocking=bool(mapping[BLOCKING]), blocked_by=bool(mapping[BLOCKED_BY]))


def liked_from_row(row: Row[Any]) -> bool | None:
    """The flag of `read_statements.liked_flag`."""
    return flag_from_row(row, LIKED)


def flag_from_row(row: Row[Any], label: str) -> bool | None:
    """A flag of `read_statements.viewer_flag` (SQLite answers EXISTS with 0 or 1)."""
    value = row._mapping[label]
    return None if value is None else bool(value)
