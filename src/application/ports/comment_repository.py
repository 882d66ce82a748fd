"""Port: comments (write side)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.comments import Comment
from domain.moderation import ModerationState


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

    async def add_to_counters_of_liked(self, liker_id: UUID, *, likes: int) -> None:
        """Add `likes` to the like count of every comment that `liker_id` likes."""
        ...

    async def add_to_counters_of_replied(self, author_id: UUID, *, replies: int) -> None:
        """Add `replies` to the reply count of every comment of another author, once per reply
        of `author_id` under it."""
        ...

    async def set_moderation(
        self, comment_id: UUID, state: ModerationState, reason: str | None
    ) -> None:
        """Set the comment's moderation state and the reason shown to its author."""
        ...

    async def pin(self, video_id: UUID, comment_id: UUID, now: datetime) -> None:
        """Pin a top-level comment of the video, unpinning the video's previous pinned comment
        (one pinned comment per video, also under concurrent pins)."""
        ...

    async def unpin(self, comment_id: UUID) -> bool:
        """Unpin the comment; False if it was not pinned."""
        ...
