"""Reading a comment as a given viewer, and the permission rules shared by the comment use cases."""

from __future__ import annotations

from uuid import UUID

from application.ports.comment_queries import CommentQueries, CommentView
from domain.errors import NotFound


async def comment_view(
    queries: CommentQueries, comment_id: UUID, viewer_id: UUID | None
) -> CommentView:
    view = await queries.get_view(comment_id, viewer_id)
    if view is None:
        raise NotFound("No such comment.")
    return view
