"""Read comments: one, a video's top-level ones, a comment's replies."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.visibility import Viewer, as_viewer, visible_comment, visible_view
from application.ports.comment_queries import CommentKey, CommentQueries, CommentView
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import VideoQueries
from domain.errors import NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentListQuery:
    """`target_id` is the video (top-level comments) or the top-level comment (replies)."""

    target_id: UUID
    limit: int
    after: CommentKey | None = None
    viewer_id: UUID | None = None


class GetComment:
    """A comment the viewer can see, on a video they can see (`application.common.visibility`;
    404 otherwise). Moderators also see hidden ones."""

    def __init__(self, uow: UnitOfWorkFactory, queries: CommentQueries) -> None:
        self._uow = uow
        self._queries = queries

    async def execute(self, comment_id: UUID, viewer: Viewer | UUID | None) -> CommentView:
        viewer = as_viewer(viewer)
        async with self._uow() as uow:
            await visible_comment(uow, comment_id, viewer)
        view = await self._queries.get_view(comment_id, viewer.user_id)
        if view is None:
            raise NotFound("No such comment.")
        return view


class ListComments:
    """A video's top-level comments, newest first (`replyCount` tells how many replies each has)."""

    def __init__(self, videos: VideoQueries, queries: CommentQueries) -> None:
        self._videos = videos
        self._queries = queries

    async def execute(self, query: CommentListQuery) -> Page[CommentView, CommentKey]:
        await visible_view(self._videos, query.target_id, query.viewer_id)
        rows = await self._queries.top_level(
            query.target_id, query.viewer_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda v: (v.comment.created_at, v.comment.id))


class ListReplies:
    """The replies to a top-level comment, oldest first."""

    def __init__(self, uow: UnitOfWorkFactory, queries: CommentQueries) -> None:
        self._uow = uow
        self._queries = queries

    async def execute(self, query: CommentListQuery) -> Page[CommentView, CommentKey]:
        async with self._uow() as uow:
            await visible_comment(uow, query.target_id, query.viewer_id)
        rows = await self._queries.replies(
            query.target_id, query.viewer_id, after=query.after, limit=query.limit + 1
        )
        return page_from(rows, query.limit, key_of=lambda v: (v.comment.created_at, v.comment.id))
