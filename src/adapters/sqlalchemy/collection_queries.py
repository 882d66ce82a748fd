"""SQL read side of a user's collections (saved and liked videos) and of who liked a video.

Like `SqlVideoQueries`, each call is one statement (`collection_statements`) on a connection of its own,
the videos' authors (or the likers) joined and the viewer's flags computed in the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import collection_statements as statements
from adapters.sqlalchemy.read_statements import FOLLOWS, page_params
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.video_queries import author_from_row, flag_from_row, video_view
from application.ports.collection_queries import (
    CollectedKey,
    CollectedVideo,
    CollectionQueries,
    Liker,
)


class SqlCollectionQueries(CollectionQueries):
    """Saved and liked videos, newest first, and the likers of a video."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._engine = engine
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)
        self._dialect_name = engine.dialect.name

    async def saved(
        self, user_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[CollectedVideo]:
        return await self._videos("saved", user_id, after, limit)

    async def liked(
        self, user_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[CollectedVideo]:
        return await self._videos("liked", user_id, after, limit)

    async def likers(
        self, video_id: UUID, viewer_id: UUID, *, after: CollectedKey | None, limit: int
    ) -> Sequence[Liker]:
        query = statements.video_likers(after is not None)
        params = {"video_id": video_id, "viewer_id": viewer_id, **page_params(after, limit)}
        rows = await self._runner.rows(query, params)
        return [
            Liker(
                user=author_from_row(row),
                liked_at=row.liked_at,
                is_following=bool(flag_from_row(row, FOLLOWS)),
            )
            for row in rows
        ]

    async def _videos(
        self,
        kind: Literal["saved", "liked"],
        user_id: UUID,
        after: CollectedKey | None,
        limit: int,
    ) -> list[CollectedVideo]:
        query = statements.collected_videos(self._dialect_name, kind, after is not None)
        params = {"viewer_id": user_id, **page_params(after, limit)}
        rows = await self._runner.rows(query, params)
        return [CollectedVideo(view=video_view(row), collected_at=row.collected_at) for row in rows]
