"""SQL search: PostgreSQL full-text search and trigrams, SQLite FTS5 (see `search_statements`)."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import search_statements as statements
from adapters.sqlalchemy.read_statements import page_params, viewer_params
from adapters.sqlalchemy.search_statements import SCORE
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.users import user_from_row
from adapters.sqlalchemy.video_queries import video_view
from application.ports.search_index import FoundUser, FoundVideo, SearchIndex, SearchKey
from domain.search import SearchTerms


class SqlSearchIndex(SearchIndex):
    """Searches committed rows, one statement per call (outside any unit of work)."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)
        self._dialect_name = engine.dialect.name

    async def find_videos(
        self,
        terms: SearchTerms,
        viewer_id: UUID | None,
        *,
        after: SearchKey | None,
        limit: int,
    ) -> Sequence[FoundVideo]:
        if not terms.finds_anything:
            return []
        query = statements.video_search(
            self._dialect_name, viewer_id is not None, len(terms.hashtags), after is not None
        )
        params = {
            **statements.video_search_params(self._dialect_name, terms),
            **viewer_params(viewer_id),
            **page_params(after, limit),
        }
        rows = await self._runner.rows(query, params)
        return [FoundVideo(view=video_view(row), score=float(row._mapping[SCORE])) for row in rows]

    async def find_users(
        self, text: str, viewer_id: UUID | None, *, after: SearchKey | None, limit: int
    ) -> Sequence[FoundUser]:
        query = statements.user_search(self._dialect_name, viewer_id is not None, after is not None)
        params = {
            **statements.user_search_params(self._dialect_name, text),
            **viewer_params(viewer_id),
            **page_params(after, limit),
        }
        rows = await self._runner.rows(query, params)
        return [
            FoundUser(user=user_from_row(row), score=float(row._mapping[SCORE])) for row in rows
        ]
