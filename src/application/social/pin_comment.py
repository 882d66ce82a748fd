"""Pin a comment to the top of a video's comments, and unpin it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import visible_comment
from application.ports.clock import Clock
from application.ports.comment_queries import CommentQueries, CommentView
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.comments import Comment
from domain.errors import Forbidden, NotFound, ValidationFailed


@dataclass(frozen=True, slots=True, kw_only=True)
class PinCommentCommand:
    user_id: UUID
    comment_id: UUID


async def _owned_top_level_comment(uow: UnitOfWork, command: PinCommentCommand) -> Comment:
    """The comment, if the user owns its video (404 if they cannot see it, 403 if they can but do
    not own the video) and it is a top-level comment (422 for a reply)."""
    comment = await visible_comment(uow, command.comment_id, command.user_id)
    video = await uow.videos.get(comment.video_id)
    if video is None:
        raise NotFound("No such comment.")
    if video.owner_id != command.user_id:
        raise Forbidden("Only the video's owner may pin or unpin its comments.")
    if comment.is_reply:
        raise ValidationFailed.single("commentId", "only top-level comments can be pinned")
    return comment


async def _view(queries: CommentQueries, command: PinCommentCommand) -> CommentView:
    view = await queries.get_view(command.comment_id, command.user_id)
    if view is None:  # deleted meanwhile
        raise NotFound("No such comment.")
    return view


class PinComment:
    """Pin a top-level comment of your video (the video's owner only: 403 for others, 422 for a
    reply): it comes first in the video's comments, in either order. A video has at most one
    pinned comment: pinning one unpins the previous one. Idempotent: pinning the pinned comment
    again changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory, queries: CommentQueries, clock: Clock) -> None:
        self._uow = uow
        self._queries = queries
        self._clock = clock

    async def execute(self, command: PinCommentCommand) -> CommentView:
        async with self._uow() as uow:
            comment = await _owned_top_level_comment(uow, command)
            if not comment.pinned:
                await uow.comments.pin(comment.video_id, comment.id, self._clock.now())
                await uow.commit()
        return await _view(self._queries, command)


class UnpinComment:
    """Unpin a comment of your video (the video's owner only: 403 for others, 422 for a reply).
    Idempotent: unpinning a comment that is not pinned changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory, queries: CommentQueries) -> None:
        self._uow = uow
        self._queries = queries

    async def execute(self, command: PinCommentCommand) -> CommentView:
        async with self._uow() as uow:
            comment = await _owned_top_level_comment(uow, command)
            if await uow.comments.unpin(comment.id):
                await uow.commit()
        return await _view(self._queries, command)
