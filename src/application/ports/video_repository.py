"""Port: videos (write side)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation import ModerationState
from domain.videos import Video, VideoStatus


class VideoRepository(Protocol):
    """Stores videos (write side)."""

    async def add(self, video: Video) -> None:
        """Insert a new video."""
        ...

    async def get(self, video_id: UUID) -> Video | None:
        """The video with this id, if any."""
        ...

    async def save(self, video: Video, *, expected_status: VideoStatus) -> bool:
        """Update a video if its stored status is still `expected_status`; False if it was not."""
        ...

    async def delete(self, video_id: UUID) -> None:
        """Delete a video (idempotent)."""
        ...

    async def add_share(self, video_id: UUID) -> None:
        """Atomically add one to the video's share count."""
        ...

    async def storage_of_owner(self, owner_id: UUID) -> Sequence[tuple[str, str | None]]:
        """(storage key, open multipart upload id) of every video of an owner."""
        ...

    async def expired_uploads(self, now: datetime, limit: int) -> Sequence[Video]:
        """Videos still uploading whose upload expired before `now`, oldest first."""
        ...

    async def add_to_counters(
        self, video_id: UUID, *, views: int = 0, likes: int = 0, comments: int = 0, points: int = 0
    ) -> None:
        """Atomically add these deltas to the video's counters and engagement points."""
        ...

    async def add_to_counters_of_liked(self, liker_id: UUID, *, likes: int) -> None:
        """Add `likes` to the like count of every video of another owner that `liker_id` likes."""
        ...

    async def add_to_counters_of_commented(self, author_id: UUID, *, comments: int) -> None:
        """Add `comments` to the comment count of every video of another owner, once per comment
        on it that goes with `author_id`'s comments: each of theirs, and each reply under one of
        their top-level comments (a comment takes its replies along)."""
        ...

    async def set_moderation(
        self, video_id: UUID, state: ModerationState, reason: str | None
    ) -> None:
        """Set the video's moderation state and the reason shown to its owner."""
        ...
