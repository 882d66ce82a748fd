"""Ports of the video feature: the write-side repository and the read-side queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.users import User
from domain.videos import Video, VideoStatus

VideoKey = tuple[datetime, UUID]
"""A keyset position in a video list: (time, id), compared descending."""


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


@dataclass(frozen=True, slots=True)
class VideoView:
    """A video as a viewer sees it: with its author and whether the viewer likes it (None when
    anonymous), filled in the same round trip as the video."""

    video: Video
    author: User
    liked_by_me: bool | None


@dataclass(frozen=True, slots=True)
class PublicVideoFilter:
    """Which public ready videos to list: by hashtag and/or caption words (all must match)."""

    hashtag: str | None = None
    words: tuple[str, ...] = ()


class VideoQueries(Protocol):
    """Read-side queries of videos, joined with their authors in one round trip."""

    async def get_view(self, video_id: UUID, viewer_id: UUID | None) -> VideoView | None:
        """A video with its author, whatever its visibility (the caller applies the rules)."""
        ...

    async def list_by_owner(
        self,
        owner_id: UUID,
        viewer_id: UUID | None,
        *,
        include_unlisted: bool,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        """An owner's videos, newest created first; only public ready ones unless `include_unlisted`."""
        ...

    async def list_public(
        self,
        public_filter: PublicVideoFilter,
        viewer_id: UUID | None,
        *,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        """Public ready videos, newest published first."""
        ...
