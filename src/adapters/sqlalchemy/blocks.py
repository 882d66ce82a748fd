"""SQL blocks: the write side on the unit of work's connection, the block list on the read side."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Label, Select, delete, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy import read_statements as statements
from adapters.sqlalchemy.read_statements import page_params
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.social import _delete_pair, _insert_pair
from adapters.sqlalchemy.tables import blocks, users
from adapters.sqlalchemy.video_queries import author_from_row
from application.ports.block_queries import BlockEntry, BlockKey, BlockQueries
from application.ports.block_repository import BlockRepository
from domain.moderation import BlockRelation


class SqlBlockRepository(BlockRepository):
    """Blocks in the `blocks` table; the primary key (blocker, blocked) keeps them unique."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def block(self, blocker_id: UUID, blocked_id: UUID, now: datetime) -> bool:
        return await _insert_pair(
            self._connection,
            blocks,
            {"blocker_id": blocker_id, "blocked_id": blocked_id, "created_at": now},
            missing="user",
        )

    async def unblock(self, blocker_id: UUID, blocked_id: UUID) -> bool:
        return await _delete_pair(
            self._connection,
            delete(blocks).where(
                blocks.c.blocker_id == blocker_id, blocks.c.blocked_id == blocked_id
            ),
        )

    async def between(self, viewer_id: UUID, other_id: UUID) -> BlockRelation:
        def pair(blocker: UUID, blocked: UUID, name: str) -> Label[bool]:
            found = exists().where(blocks.c.blocker_id == blocker, blocks.c.blocked_id == blocked)
            return found.label(name)

        row = (
            await self._connection.execute(
                select(pair(viewer_id, other_id, "blocking"), pair(other_id, viewer_id, "by"))
            )
        ).one()
        return BlockRelation(blocking=bool(row[0]), blocked_by=bool(row[1]))

    async def lock_pair(self, first_id: UUID, second_id: UUID) -> None:
        if self._connection.dialect.name != "postgresql":
            return  # SQLite serialises writers
        # In id order, so that two units of work locking the same pair never deadlock. NO KEY
        # UPDATE: it does not hold up inserts that merely refer to the accounts (likes, comments).
        await self._connection.execute(
            select(users.c.id)
            .where(users.c.id.in_(sorted({first_id, second_id})))
            .order_by(users.c.id)
            .with_for_update(key_share=True)  # FOR NO KEY UPDATE
        )


@functools.cache
def blocked_list(after: bool) -> Select[Any]:
    """A page of the accounts `blocker_id` blocks, newest block first (reads the index on
    (blocker_id, created_at, blocked_id) backwards)."""
    query = (
        select(*statements.author_columns(), blocks.c.created_at.label("blocked_at"))
        .select_from(blocks.join(users, users.c.id == blocks.c.blocked_id))
        .where(blocks.c.blocker_id == statements.uuid_param("blocker_id"))
    )
    return statements.keyset_page(query, (blocks.c.created_at, blocks.c.blocked_id), after=after)


class SqlBlockQueries(BlockQueries):
    """The block list, one statement per page on a connection of its own."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)

    async def blocked(
        self, blocker_id: UUID, *, after: BlockKey | None, limit: int
    ) -> Sequence[BlockEntry]:
        rows = await self._runner.rows(
            blocked_list(after is not None),
            {"blocker_id": blocker_id, **page_params(after, limit)},
        )
        return [BlockEntry(user=author_from_row(row), blocked_at=row.blocked_at) for row in rows]
