"""Port: likes of videos and comments (write side)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID


class LikeRepository(Protocol):
    """Likes of videos and comments (unique per user and target)."""

    async def like_video(self, user_id: UUID, video_id: UUID, now: datetime) -> bool:
        """Record the like; False if it already existed."""
        ...

    async def unlike_video(self, user_id: UUID, video_id: UUID) -> bool:
        """Delete the like; False if there was none."""
        ...

    async def like_comment(self, user_id: UUID, comment_id: UUID, now: datetime) -> bool:
        """Record the like; False if it already existed."""
        ...

    async def unlike_comment(self, user_id: UUID, comment_id: UUID) -> bool:
        """Delete the like; False if there was none."""
        ...
