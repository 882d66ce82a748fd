"""Edit a comment."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import visible_comment
from application.ports.clock import Clock
from application.ports.comment_queries import CommentQueries, CommentView
from application.ports.unit_of_work import UnitOfWorkFactory
from application.social.comments import comment_view
from domain.comments import parse_body
from domain.errors import Forbidden


@dataclass(frozen=True, slots=True, kw_only=True)
class EditCommentCommand:
    user_id: UUID
    comment_id: UUID
    body: str


class EditComment:
    """Replace a comment's body (1..1000 characters); only its author may (403). Sets `editedAt`."""

    def __init__(self, uow: UnitOfWorkFactory, queries: CommentQueries, clock: Clock) -> None:
        self._uow = uow
        self._queries = queries
        self._clock = clock

    async def execute(self, command: EditCommentCommand) -> CommentView:
        body = parse_body(command.body)
        async with self._uow() as uow:
            comment = await visible_comment(uow, command.comment_id, command.user_id)
            if comment.author_id != command.user_id:
                raise Forbidden("Only the comment's author may edit it.")
            await uow.comments.edit(comment.id, body, self._clock.now())
            await uow.commit()
        return await comment_view(self._queries, command.comment_id, command.user_id)
