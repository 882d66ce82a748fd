"""Port: comments with their authors (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.comments import Comment
from domain.moderation import NO_BLOCK, BlockRelation
from domain.users import User

CommentKey = tuple[datetime, UUID]
"""A keyset position in a comment list: (created at, id)."""


@dataclass(frozen=True, slots=True)
class CommentView:
    """A comment with its author and whether the viewer likes it (None when anonymous)."""

    comment: Comment
    author: User
    liked_by_me: bool | None
    block: BlockRelation = NO_BLOCK  # between the viewer and the author: `get_view` fills it


class CommentQueries(Protocol):
    """Comments with their authors and the viewer's like flag, in one round trip per call."""

    async def get_view(self, comment_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        """One comment, with the blocks between the viewer and its author (the caller applies
        `application.common.visibility`)."""
        ...

    async def top_level(
        self, video_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        """Top-level comments of a video listed for the viewer (`visibility.is_listed`), newest
        first."""
        ...

    async def replies(
        self, comment_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        """Replies to a top-level comment listed for the viewer (`visibility.is_listed`), oldest
        first."""
        ...
