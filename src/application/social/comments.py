"""Reading a comment as a given viewer, and the permission rules shared by the comment use cases."""

from __future__ import annotations

from uuid import UUID

from application.ports.social_queries import CommentQueries, CommentView
from application.ports.unit_of_work import UnitOfWork
from domain.comments import Comment
from domain.errors import NotFound


async def visible_comment(uow: UnitOfWork, comment_id: UUID, viewer_id: UUID | None) -> Comment:
    """A comment on a video the viewer can see (404 otherwise)."""
    comment = await uow.comments.get(comment_id)
    video = await uow.videos.get(comment.video_id) if comment else None
    if comment is None or video is None or not video.is_visible_to(viewer_id):
        raise NotFound("No such comment.")
    return comment


async def comment_view(
    queries: CommentQueries, comment_id: UUID, viewer_id: UUID | None
) -> CommentView:
    view = await queries.get_view(comment_id, viewer_id)
    if view is None:
        raise NotFound("No such comment.")
    return view
