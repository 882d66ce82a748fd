"""Like and unlike comments."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import visible_comment
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.social.like_state import LikeState
from domain.errors import NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class LikeCommentCommand:
    user_id: UUID
    comment_id: UUID


async def _like_count(uow: UnitOfWork, comment_id: UUID) -> int:
    comment = await uow.comments.get(comment_id)
    return 0 if comment is None else comment.like_count


class LikeComment:
    """Like a comment you can see. Idempotent."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: LikeCommentCommand) -> LikeState:
        async with self._uow() as uow:
            comment = await visible_comment(uow, command.comment_id, command.user_id)
            if await uow.likes.like_comment(command.user_id, comment.id, self._clock.now()):
                await uow.comments.add_to_counters(comment.id, likes=1)
            count = await _like_count(uow, comment.id)
            await uow.commit()
        return LikeState(liked=True, like_count=count)


class UnlikeComment:
    """Take back a like of a comment. Idempotent. Like a video's, your own like can always be
    taken back, even once the comment is hidden from you; otherwise a hidden comment is 404."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: LikeCommentCommand) -> LikeState:
        async with self._uow() as uow:
            comment = await uow.comments.get(command.comment_id)
            if comment is None:
                raise NotFound("No such comment.")
            if not await uow.likes.unlike_comment(command.user_id, comment.id):
                await visible_comment(uow, command.comment_id, command.user_id)
            else:
                await uow.comments.add_to_counters(comment.id, likes=-1)
            count = await _like_count(uow, comment.id)
            await uow.commit()
        return LikeState(liked=False, like_count=count)
