"""Port: comments with their authors (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.comments import Comment
from domain.users import User

CommentKey = tuple[datetime, UUID]
"""A keyset position in a comment list: (created at, id)."""


@dataclass(frozen=True, slots=True)
class CommentView:
    """A comment with its author and whether the viewer likes it (None when anonymous)."""

    comment: Comment
    author: User
    liked_by_me: bool | None


class CommentQueries(Protocol):
    """Comments with their authors and the viewer's like flag, in one round trip per call."""

    async def get_view(self, comment_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        """One comment."""
        ...

    async def top_level(
        self, video_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        """Top-level comments of a video, newest first."""
        ...

    async def replies(
        self, comment_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        """Replies to a top-level comment, oldest first."""
        ...
