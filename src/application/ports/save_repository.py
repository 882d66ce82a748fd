"""Port: videos saved by users (write side)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID


class SaveRepository(Protocol):
    """Saves of videos, unique per user and video, private to the saver."""

    async def save(self, user_id: UUID, video_id: UUID, now: datetime) -> bool:
        """Record the save; False if it already existed (NotFound if the video does not exist)."""
        ...

    async def unsave(self, user_id: UUID, video_id: UUID) -> bool:
        """Delete the save; False if there was none."""
        ...
