"""Write-side ports of the social features: follows, likes, comments."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.comments import Comment


class FollowRepository(Protocol):
    """Who follows whom (unique per pair)."""

    async def add(self, follower_id: UUID, followee_id: UUID, now: datetime) -> bool:
        """Create the follow; False if it already existed (nothing changes then)."""
        ...

    async def remove(self, follower_id: UUID, followee_id: UUID) -> bool:
        """Delete the follow; False if there was none."""
        ...


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


class CommentRepository(Protocol):
    """Stores comments (write side)."""

    async def add(self, comment: Comment) -> None:
        """Insert a comment."""
        ...

    async def get(self, comment_id: UUID) -> Comment | None:
        """The comment with this id, if any."""
        ...

    async def edit(self, comment_id: UUID, body: str, edited_at: datetime) -> None:
        """Replace the body and set `edited_at`."""
        ...

    async def delete(self, comment_id: UUID) -> int:
        """Delete a comment, its replies and their likes; returns how many comments went."""
        ...

    async def add_to_counters(self, comment_id: UUID, *, replies: int = 0, likes: int = 0) -> None:
        """Atomically add these deltas to the comment's counters."""
        ...
