"""Comment on a video, or reply to a comment."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.visibility import likeable_video, visible_comment
from application.ports.clock import Clock
from application.ports.comment_queries import CommentQueries, CommentView
from application.ports.id_generator import IdGenerator
from application.ports.unit_of_work import UnitOfWorkFactory
from application.social.comments import comment_view
from domain.comments import Comment, parse_body
from domain.errors import NotFound
from domain.ranking import engagement_points


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateCommentCommand:
    author_id: UUID
    video_id: UUID
    body: str
    parent_id: UUID | None = None


class CreateComment:
    """Add a comment (1..1000 characters) to a ready video you can see, or a reply to one of its comments.

    Threads are one level deep: a reply to a reply attaches to its top-level comment. The video's
    `commentCount` counts replies too; the top-level comment's `replyCount` counts its replies.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, queries: CommentQueries, clock: Clock, ids: IdGenerator
    ) -> None:
        self._uow = uow
        self._queries = queries
        self._clock = clock
        self._ids = ids

    async def execute(self, command: CreateCommentCommand) -> CommentView:
        body = parse_body(command.body)
        async with self._uow() as uow:
            video = await likeable_video(uow, command.video_id, command.author_id)
            parent_id = None
            if command.parent_id is not None:
                parent = await visible_comment(uow, command.parent_id, command.author_id)
                if parent.video_id != video.id:
                    raise NotFound("No such comment on this video to reply to.")
                parent_id = parent.parent_id or parent.id
            comment = Comment(
                id=self._ids.new_id(),
                video_id=video.id,
                author_id=command.author_id,
                body=body,
                created_at=self._clock.now(),
                parent_id=parent_id,
            )
            await uow.comments.add(comment)
            await uow.videos.add_to_counters(
                video.id, comments=1, points=engagement_points(comments=1)
            )
            if parent_id is not None:
                await uow.comments.add_to_counters(parent_id, replies=1)
            await uow.commit()
        return await comment_view(self._queries, comment.id, command.author_id)
