"""Read comments: one, a video's top-level ones, a comment's replies."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.visibility import Viewer, as_viewer, visible_comment, visible_view
from application.ports.comment_queries import (
    CommentKey,
    CommentPosition,
    CommentQueries,
    CommentSort,
    CommentView,
)
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import VideoQueries
from domain.errors import NotFound


@dataclass(frozen=True, slots=True, kw_only=True)
class CommentListQuery:
    """`target_id` is the top-level comment whose replies to list."""

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


@dataclass(frozen=True, slots=True)
class CommentsAfter:
    """Where a walk of a video's top-level comments goes on: past the pinned comment (shown
    first), after `key` in the walk's order (None: from the first unpinned comment)."""

    key: CommentPosition | None


@dataclass(frozen=True, slots=True, kw_only=True)
class VideoCommentsQuery:
    video_id: UUID
    limit: int
    sort: CommentSort = "newest"
    after: CommentsAfter | None = None  # None: the first page
    viewer_id: UUID | None = None


class ListComments:
    """A video's top-level comments (`replyCount` tells how many replies each has): `newest`
    first (the default), or `top`: most liked first, then newest. The pinned comment comes first
    in either order, on the first page, and not again. `top` pages follow the like counts as they
    are when each page is read: a comment whose count changes during a walk may move across the
    cursor (and be seen twice, or not at all)."""

    def __init__(self, videos: VideoQueries, queries: CommentQueries) -> None:
        self._videos = videos
        self._queries = queries

    async def execute(self, query: VideoCommentsQuery) -> Page[CommentView, CommentsAfter]:
        await visible_view(self._videos, query.video_id, query.viewer_id)
        pinned = None
        if query.after is None:
            pinned = await self._queries.pinned(query.video_id, query.viewer_id)
        room = query.limit - (0 if pinned is None else 1)
        rows = await self._queries.top_level(
            query.video_id,
            query.viewer_id,
            sort=query.sort,
            after=query.after.key if query.after else None,
            limit=room + 1,
        )
        if pinned is not None and room == 0:  # a page of one: the pinned comment
            return Page([pinned], CommentsAfter(None) if rows else None)

        def key_of(view: CommentView) -> CommentPosition:
            comment = view.comment
            if query.sort == "top":
                return (comment.like_count, comment.created_at, comment.id)
            return (comment.created_at, comment.id)

        page = page_from(rows, room, key_of=key_of)
        items = [pinned, *page.items] if pinned is not None else list(page.items)
        return Page(items, None if page.next_key is None else CommentsAfter(page.next_key))


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
