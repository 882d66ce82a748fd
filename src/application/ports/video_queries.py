"""Port: videos joined with their authors (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation import NO_BLOCK, BlockRelation
from domain.users import User
from domain.videos import Video

VideoKey = tuple[datetime, UUID]
"""A keyset position in a video list: (time, id), compared descending."""


@dataclass(frozen=True, slots=True)
class VideoView:
    """A video as a viewer sees it: with its author, whether the viewer likes and saved it and
    whether they follow its author (each None when anonymous), filled in the same round trip as the
    video; `block` (between the viewer and the author) is filled by `get_view` only: lists leave
    blocked authors out."""

    video: Video
    author: User
    liked_by_me: bool | None
    saved_by_me: bool | None
    follows_author: bool | None
    block: BlockRelation = NO_BLOCK


@dataclass(frozen=True, slots=True)
class PublicVideoFilter:
    """Which public ready videos to list: by hashtag and/or caption words (all must match)."""

    hashtag: str | None = None
    words: tuple[str, ...] = ()


class VideoQueries(Protocol):
    """Read-side queries of videos, joined with their authors in one round trip."""

    async def get_view(self, video_id: UUID, viewer_id: UUID | None) -> VideoView | None:
        """A video with its author and the blocks between the viewer and the author, whatever its
        visibility (the caller applies `application.common.visibility`)."""
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
        """An owner's videos, newest created first; only public ready ones unless `include_unlisted`;
        only those listed for the viewer (`visibility.is_listed`)."""
        ...

    async def list_public(
        self,
        public_filter: PublicVideoFilter,
        viewer_id: UUID | None,
        *,
        after: VideoKey | None,
        limit: int,
    ) -> Sequence[VideoView]:
        """Public ready videos listed for the viewer (`visibility.is_listed`), newest published
        first."""
        ...
