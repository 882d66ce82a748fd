"""SQL queue of stored objects to delete (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.statements import insert_ignoring_conflicts
from adapters.sqlalchemy.tables import storage_deletions
from application.ports.deletion_queue import DeletionQueue, PendingDeletion


class SqlDeletionQueue(DeletionQueue):
    """Pending deletions in the `storage_deletions` table, on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def enqueue(self, items: Sequence[PendingDeletion], now: datetime) -> None:
        if not items:
            return
        # A key already queued keeps its upload id, attempts and schedule.
        await self._connection.execute(
            insert_ignoring_conflicts(self._connection.dialect.name, storage_deletions),
            [
                {
                    "key": item.key,
                    "upload_id": item.upload_id,
                    "attempts": item.attempts,
                    "not_before": now,
                }
                for item in items
            ],
        )

    async def due(self, now: datetime, limit: int) -> Sequence[PendingDeletion]:
        result = await self._connection.execute(
            select(storage_deletions)
            .where(storage_deletions.c.not_before <= now)
            .order_by(storage_deletions.c.not_before, storage_deletions.c.key)
            .limit(limit)
        )
        return [
            PendingDeletion(key=row.key, upload_id=row.upload_id, attempts=row.attempts)
            for row in result
        ]

    async def done(self, key: str) -> None:
        await self._connection.execute(
            delete(storage_deletions).where(storage_deletions.c.key == key)
        )

    async def retry_later(self, key: str, not_before: datetime) -> None:
        await self._connection.execute(
            update(storage_deletions)
            .where(storage_deletions.c.key == key)
            .values(attempts=storage_deletions.c.attempts + 1, not_before=not_before)
        )
