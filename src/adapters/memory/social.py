"""In-memory follows, likes and comments (write side)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from adapters.memory.cascades import delete_comment_cascade
from adapters.memory.store import MemoryState
from application.ports.comment_repository import CommentRepository
from application.ports.follow_repository import FollowRepository
from application.ports.like_repository import LikeRepository
from domain.comments import Comment
from domain.moderation import ModerationState


class MemoryFollowRepository(FollowRepository):
    """Follows keyed by (follower, followee)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, follower_id: UUID, followee_id: UUID, now: datetime) -> bool:
        if (follower_id, followee_id) in self._state.follows:
            return False
        self._state.follows[(follower_id, followee_id)] = now
        return True

    async def remove(self, follower_id: UUID, followee_id: UUID) -> bool:
        return self._state.follows.pop((follower_id, followee_id), None) is not None


class MemoryLikeRepository(LikeRepository):
    """Likes keyed by (user, target)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def like_video(self, user_id: UUID, video_id: UUID, now: datetime) -> bool:
        return _add(self._state.video_likes, (user_id, video_id), now)

    async def unlike_video(self, user_id: UUID, video_id: UUID) -> bool:
        return self._state.video_likes.pop((user_id, video_id), None) is not None

    async def like_comment(self, user_id: UUID, comment_id: UUID, now: datetime) -> bool:
        return _add(self._state.comment_likes, (user_id, comment_id), now)

    async def unlike_comment(self, user_id: UUID, comment_id: UUID) -> bool:
        return self._state.comment_likes.pop((user_id, comment_id), None) is not None


def _add(table: dict[tuple[UUID, UUID], datetime], key: tuple[UUID, UUID], now: datetime) -> bool:
    if key in table:
        return False
    table[key] = now
    return True


class MemoryCommentRepository(CommentRepository):
    """Comments in a dict."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, comment: Comment) -> None:
        self._state.comments[comment.id] = comment

    async def get(self, comment_id: UUID) -> Comment | None:
        return self._state.comments.get(comment_id)

    async def edit(self, comment_id: UUID, body: str, edited_at: datetime) -> None:
        comment = self._state.comments.get(comment_id)
        if comment is not None:
            self._state.comments[comment_id] = dataclasses.replace(
                comment, body=body, edited_at=edited_at
            )

    async def delete(self, comment_id: UUID) -> int:
        return delete_comment_cascade(self._state, comment_id)

    async def set_moderation(
        self, comment_id: UUID, state: ModerationState, reason: str | None
    ) -> None:
        comment = self._state.comments.get(comment_id)
        if comment is not None:
            self._state.comments[comment_id] = dataclasses.replace(
                comment, moderation_state=state, moderation_reason=reason
            )

    async def add_to_counters(self, comment_id: UUID, *, replies: int = 0, likes: int = 0) -> None:
        comment = self._state.comments.get(comment_id)
        if comment is not None:
            self._state.comments[comment_id] = dataclasses.replace(
                comment,
                reply_count=comment.reply_count + replies,
                like_count=comment.like_count + likes,
            )

    async def add_to_counters_of_liked(self, liker_id: UUID, *, likes: int) -> None:
        for user_id, comment_id in list(self._state.comment_likes):
            if user_id == liker_id:
                await self.add_to_counters(comment_id, likes=likes)

    async def add_to_counters_of_replied(self, author_id: UUID, *, replies: int) -> None:
        stored = self._state.comments
        for comment in list(stored.values()):
            parent = stored.get(comment.parent_id) if comment.parent_id is not None else None
            if (
                comment.author_id == author_id
                and parent is not None
                and parent.author_id != author_id
            ):
                await self.add_to_counters(parent.id, replies=replies)

    async def pin(self, video_id: UUID, comment_id: UUID, now: datetime) -> None:
        stored = self._state.comments
        for comment in list(stored.values()):
            if comment.video_id == video_id and comment.pinned and comment.id != comment_id:
                stored[comment.id] = dataclasses.replace(comment, pinned_at=None)
        chosen = stored.get(comment_id)
        if chosen is not None and not chosen.pinned:
            stored[comment_id] = dataclasses.replace(chosen, pinned_at=now)

    async def unpin(self, comment_id: UUID) -> bool:
        comment = self._state.comments.get(comment_id)
        if comment is None or not comment.pinned:
            return False
        self._state.comments[comment_id] = dataclasses.replace(comment, pinned_at=None)
        return True
