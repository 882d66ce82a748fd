"""Delete a comment."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import visible_comment
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import Forbidden, NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteCommentCommand:
    user_id: UUID
    comment_id: UUID


class DeleteComment:
    """Delete a comment with its replies; its author or the video's owner may (403 otherwise)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: DeleteCommentCommand) -> None:
        async with self._uow() as uow:
            comment = await visible_comment(uow, command.comment_id, command.user_id)
            video = await uow.videos.get(comment.video_id)
            if video is None:
                raise NotFound("No such comment.")
            if command.user_id not in (comment.author_id, video.owner_id):
                raise Forbidden("Only the comment's author or the video's owner may delete it.")
            removed = await uow.comments.delete(comment.id)
            if removed == 0:  # a concurrent delete got there first: nothing left to count
                return
            await uow.videos.add_to_counters(video.id, comments=-removed)
            if comment.parent_id is not None:
                await uow.comments.add_to_counters(comment.parent_id, replies=-1)
            await uow.commit()
