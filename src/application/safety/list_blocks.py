"""The accounts a user blocks."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.ports.block_queries import BlockEntry, BlockKey, BlockQueries


@dataclass(frozen=True, slots=True, kw_only=True)
class ListBlocksQuery:
    blocker_id: UUID
    limit: int
    after: BlockKey | None = None


class ListBlocks:
    """The accounts you block, most recent block first (suspended ones included: you may still
    unblock them)."""

    def __init__(self, queries: BlockQueries) -> None:
        self._queries = queries

    async def execute(self, query: ListBlocksQuery) -> Page[BlockEntry, BlockKey]:
        rows = await self._queries.blocked(
            query.blocker_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda e: (e.blocked_at, e.user.id))
