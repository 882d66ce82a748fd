"""In-memory saves of videos (write side)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from adapters.memory.store import MemoryState
from application.ports.save_repository import SaveRepository
from domain.errors import NotFound


class MemorySaveRepository(SaveRepository):
    """Saves keyed by (user, video)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def save(self, user_id: UUID, video_id: UUID, now: datetime) -> bool:
        if video_id not in self._state.videos or user_id not in self._state.users:
            raise NotFound("No such video.")  # what the SQL foreign keys refuse
        if (user_id, video_id) in self._state.video_saves:
            return False
        self._state.video_saves[(user_id, video_id)] = now
        return True

    async def unsave(self, user_id: UUID, video_id: UUID) -> bool:
        return self._state.video_saves.pop((user_id, video_id), None) is not None
