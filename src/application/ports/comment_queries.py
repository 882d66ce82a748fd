"""Port: comments with their authors (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol
from uuid import UUID

from domain.comments import Comment
from domain.moderation import NO_BLOCK, BlockRelation
from domain.users import User

CommentKey = tuple[datetime, UUID]
"""A keyset position in a comment list: (created at, id)."""

TopCommentKey = tuple[int, datetime, UUID]
"""A keyset position in a video's top comments: (like count, created at, id), descending."""

CommentPosition = CommentKey | TopCommentKey
"""A keyset position in a video's top-level comments, in either order."""

CommentSort = Literal["newest", "top"]
"""The orders of a video's top-level comments: newest first, or most liked first, then newest."""


@dataclass(frozen=True, slots=True)
class CommentView:
    """A comment with its author, whether the viewer likes it and whether they follow its author
    (None when anonymous)."""

    comment: Comment
    author: User
    liked_by_me: bool | None
    follows_author: bool | None
    block: BlockRelation = NO_BLOCK  # between the viewer and the author: `get_view` fills it


class CommentQueries(Protocol):
    """Comments with their authors and the viewer's like flag, in one round trip per call."""

    async def get_view(self, comment_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        """One comment, with the blocks between the viewer and its author (the caller applies
        `application.common.visibility`)."""
        ...

    async def top_level(
        self,
        video_id: UUID,
        viewer_id: UUID | None,
        *,
        sort: CommentSort = "newest",
        after: CommentPosition | None,
        limit: int,
    ) -> Sequence[CommentView]:
        """The unpinned top-level comments of a video listed for the viewer (`visibility.is_listed`):
        newest first, or (`top`) by like count descending, then newest first (`after`: a
        `CommentKey`, or a `TopCommentKey` for `top`)."""
        ...

    async def pinned(self, video_id: UUID, viewer_id: UUID | None) -> CommentView | None:
        """The video's pinned comment, if any, and if listed for the viewer."""
        ...

    async def replies(
        self, comment_id: UUID, viewer_id: UUID | None, *, after: CommentKey | None, limit: int
    ) -> Sequence[CommentView]:
        """Replies to a top-level comment listed for the viewer (`visibility.is_listed`), oldest
        first."""
        ...
