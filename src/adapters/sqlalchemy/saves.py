"""SQL saves of videos (write side), on the unit of work's connection."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CursorResult, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.statements import insert_ignoring_conflicts
from adapters.sqlalchemy.tables import video_saves
from application.ports.save_repository import SaveRepository
from domain.errors import NotFound


class SqlSaveRepository(SaveRepository):
    """Saves in the `video_saves` table; the primary key (user, video) keeps them unique."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def save(self, user_id: UUID, video_id: UUID, now: datetime) -> bool:
        # Of concurrent identical saves the primary key lets one in; RETURNING says which. The
        # savepoint keeps the transaction usable when the video went meanwhile (a foreign key
        # violation: PostgreSQL would abort the transaction).
        statement = (
            insert_ignoring_conflicts(self._connection.dialect.name, video_saves)
            .values(user_id=user_id, video_id=video_id, created_at=now)
            .returning(video_saves.c.video_id)
        )
        try:
            async with self._connection.begin_nested():
                inserted = list(await self._connection.execute(statement))
        except IntegrityError as error:
            raise NotFound("No such video.") from error
        return bool(inserted)

    async def unsave(self, user_id: UUID, video_id: UUID) -> bool:
        result: CursorResult[Any] = await self._connection.execute(
            delete(video_saves).where(
                video_saves.c.user_id == user_id, video_saves.c.video_id == video_id
            )
        )
        return result.rowcount == 1
