"""The moderators' queue: cases with their targets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.common.pagination import Page, page_from
from application.common.visibility import Viewer
from application.ports.comment_queries import CommentView
from application.ports.moderation_queries import ModerationQueries
from application.ports.video_queries import VideoView
from domain.errors import Forbidden
from domain.moderation import Case, ReportStatus, TargetType
from domain.users import User

CaseKey = tuple[int, datetime, UUID] | tuple[datetime, UUID]


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case with its target: the video or comment (with its author as `user`), or the account;
    `state` is the target's: visible, pending_review, removed (also: no longer exists) or
    suspended."""

    case: Case
    video: VideoView | None
    comment: CommentView | None
    user: User | None
    state: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ListCasesQuery:
    moderator: Viewer
    status: ReportStatus
    limit: int
    after: CaseKey | None = None


class ListCases:
    """Open cases, most reported first (then most recently reported), or resolved ones, most
    recently resolved first; each with its target as moderators see it. Moderators only."""

    def __init__(self, queries: ModerationQueries) -> None:
        self._queries = queries

    async def execute(self, query: ListCasesQuery) -> Page[CaseView, CaseKey]:
        require_moderator(query.moderator)
        page: Page[Case, CaseKey]
        if query.status is ReportStatus.OPEN:
            after_open = query.after if query.after is None or len(query.after) == 3 else None
            rows = await self._queries.open_cases(after=after_open, limit=query.limit + 1)
            page = page_from(
                rows,
                query.limit,
                key_of=lambda c: (c.report_count, c.last_reported_at, c.target_id),
            )
        else:
            after_resolved = query.after if query.after is None or len(query.after) == 2 else None
            rows = await self._queries.resolved_cases(after=after_resolved, limit=query.limit + 1)
            page = page_from(
                rows,
                query.limit,
                key_of=lambda c: (c.resolved_at or c.last_reported_at, c.target_id),
            )
        views = await case_views(self._queries, page.items, query.moderator)
        return Page(items=views, next_key=page.next_key)


def require_moderator(viewer: Viewer) -> UUID:
    """The moderator's id; Forbidden for anyone else."""
    if viewer.user_id is None or not viewer.moderator:
        raise Forbidden("Only moderators may do this.")
    return viewer.user_id


async def case_views(
    queries: ModerationQueries, cases: Sequence[Case], moderator: Viewer
) -> list[CaseView]:
    """The cases with their targets, in three round trips at most whatever their number."""
    viewer_id = require_moderator(moderator)

    def ids(kind: TargetType) -> set[UUID]:
        return {c.target_id for c in cases if c.target_type is kind}

    videos = await queries.videos(ids(TargetType.VIDEO), viewer_id)
    comments = await queries.comments(ids(TargetType.COMMENT), viewer_id)
    users = await queries.users(ids(TargetType.USER))
    views = []
    for case in cases:
        video = videos.get(case.target_id) if case.target_type is TargetType.VIDEO else None
        comment = comments.get(case.target_id) if case.target_type is TargetType.COMMENT else None
        user = users.get(case.target_id) if case.target_type is TargetType.USER else None
        if video is not None:
            user, state = video.author, video.video.moderation_state.value
        elif comment is not None:
            user, state = comment.author, comment.comment.moderation_state.value
        elif user is not None:
            state = "suspended" if user.is_suspended else "visible"
        else:
            state = "removed"  # the target no longer exists
        views.append(CaseView(case=case, video=video, comment=comment, user=user, state=state))
    return views
