"""SQL read side of moderation: the case queue, the audit log, the targets of a page of cases.

Like `read_statements`, each statement is built once per shape; the reasons of a page of cases
and the targets of a page come in one statement each (never one per case).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    Uuid,
    and_,
    any_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import read_statements as statements
from adapters.sqlalchemy.read_statements import author_columns
from adapters.sqlalchemy.reports import audit_entry_from_row, case_from_row
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.social_queries import comment_view_of
from adapters.sqlalchemy.tables import audit_log, comments, moderation_cases, reports, users, videos
from adapters.sqlalchemy.users import user_from_row
from adapters.sqlalchemy.video_queries import author_from_row, video_view
from application.ports.comment_queries import CommentView
from application.ports.moderation_queries import (
    LogKey,
    LogRecord,
    ModerationQueries,
    OpenCaseKey,
    ResolvedCaseKey,
)
from application.ports.video_queries import VideoView
from domain.moderation import Case, ReportReason, ReportStatus
from domain.users import User

_OPEN: ColumnElement[str] = literal_column(f"'{ReportStatus.OPEN.value}'")
_RESOLVED: ColumnElement[str] = literal_column(f"'{ReportStatus.RESOLVED.value}'")


@functools.cache
def open_cases(after: bool) -> Select[Any]:
    """A page of open cases by (report_count, last_reported_at, target_id) descending: the index
    on (status, report_count, last_reported_at, target_id) read backwards."""
    c = moderation_cases.c
    query = select(moderation_cases).where(c.status == _OPEN)
    key = (c.report_count, c.last_reported_at, c.target_id)
    if after:
        bound = tuple_(
            bindparam("after_0", type_=Integer),
            bindparam("after_1", type_=c.last_reported_at.type),
            bindparam("after_2", type_=Uuid),
        )
        query = query.where(tuple_(*key) < bound)
    return query.order_by(*(k.desc() for k in key)).limit(bindparam("page_limit", type_=Integer))


@functools.cache
def resolved_cases(after: bool) -> Select[Any]:
    """A page of resolved cases, most recently resolved first."""
    c = moderation_cases.c
    query = select(moderation_cases).where(c.status == _RESOLVED)
    return statements.keyset_page(query, (c.resolved_at, c.target_id), after=after)


@functools.cache
def case_reasons(dialect_name: str) -> Select[Any]:
    """The count of each reason of the cases of `target_ids` (a page): the open reports of an
    open case, those resolved when a resolved case closed."""
    c = moderation_cases.c
    if dialect_name == "postgresql":
        among = c.target_id == any_(bindparam("target_ids", type_=ARRAY(Uuid)))
    else:
        among = c.target_id.in_(bindparam("target_ids", expanding=True))
    joined = moderation_cases.join(
        reports,
        and_(
            reports.c.target_type == c.target_type,
            reports.c.target_id == c.target_id,
            or_(
                and_(c.status == _OPEN, reports.c.status == _OPEN),
                and_(
                    c.status == _RESOLVED,
                    reports.c.status == _RESOLVED,
                    reports.c.resolved_at == c.resolved_at,
                ),
            ),
        ),
    )
    return (
        select(c.target_id, reports.c.reason, func.count().label("n"))
        .select_from(joined)
        .where(among)
        .group_by(c.target_id, reports.c.reason)
    )


@functools.cache
def log_page(after: bool) -> Select[Any]:
    """A page of the audit log, newest first, with each actor (if still there)."""
    query = select(audit_log, *author_columns()).select_from(
        audit_log.outerjoin(users, users.c.id == audit_log.c.actor_id)
    )
    return statements.keyset_page(query, (audit_log.c.created_at, audit_log.c.id), after=after)


def _among(dialect_name: str, column: Any) -> Any:
    if dialect_name == "postgresql":
        return column == any_(bindparam("ids", type_=ARRAY(Uuid)))
    return column.in_(bindparam("ids", expanding=True))


@functools.cache
def videos_by_ids(dialect_name: str) -> Select[Any]:
    """The videos `ids` with their authors and `viewer_id`'s like flags."""
    return statements.video_views(dialect_name, True).where(_among(dialect_name, videos.c.id))


@functools.cache
def comments_by_ids(dialect_name: str) -> Select[Any]:
    """The comments `ids` with their authors and `viewer_id`'s like flags."""
    return statements.comment_views(True).where(_among(dialect_name, comments.c.id))


@functools.cache
def users_by_ids(dialect_name: str) -> Select[Any]:
    """The accounts `ids`."""
    return select(users).where(_among(dialect_name, users.c.id))


class SqlModerationQueries(ModerationQueries):
    """One statement per call, on a connection of its own."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)
        self._dialect_name = engine.dialect.name

    async def open_cases(self, *, after: OpenCaseKey | None, limit: int) -> Sequence[Case]:
        params: dict[str, Any] = {"page_limit": limit}
        if after is not None:
            params["after_0"], params["after_1"], params["after_2"] = after
        return await self._cases(open_cases(after is not None), params)

    async def resolved_cases(self, *, after: ResolvedCaseKey | None, limit: int) -> Sequence[Case]:
        return await self._cases(
            resolved_cases(after is not None), statements.page_params(after, limit)
        )

    async def log(self, *, after: LogKey | None, limit: int) -> Sequence[LogRecord]:
        rows = await self._runner.rows(
            log_page(after is not None), statements.page_params(after, limit)
        )
        return [
            LogRecord(
                entry=audit_entry_from_row(row),
                actor=None
                if row._mapping[statements.AUTHOR_PREFIX + "id"] is None
                else author_from_row(row),
            )
            for row in rows
        ]

    async def videos(self, video_ids: Collection[UUID], viewer_id: UUID) -> dict[UUID, VideoView]:
        if not video_ids:
            return {}
        rows = await self._runner.rows(
            videos_by_ids(self._dialect_name), {"ids": list(video_ids), "viewer_id": viewer_id}
        )
        return {view.video.id: view for view in map(video_view, rows)}

    async def comments(
        self, comment_ids: Collection[UUID], viewer_id: UUID
    ) -> dict[UUID, CommentView]:
        if not comment_ids:
            return {}
        rows = await self._runner.rows(
            comments_by_ids(self._dialect_name), {"ids": list(comment_ids), "viewer_id": viewer_id}
        )
        return {view.comment.id: view for view in map(comment_view_of, rows)}

    async def users(self, user_ids: Collection[UUID]) -> dict[UUID, User]:
        if not user_ids:
            return {}
        rows = await self._runner.rows(users_by_ids(self._dialect_name), {"ids": list(user_ids)})
        return {user.id: user for user in map(user_from_row, rows)}

    async def _cases(self, query: Select[Any], params: dict[str, Any]) -> list[Case]:
        rows = await self._runner.rows(query, params)
        if not rows:
            return []
        counted = await self._runner.rows(
            case_reasons(self._dialect_name), {"target_ids": [row.target_id for row in rows]}
        )
        reasons: dict[UUID, dict[ReportReason, int]] = {}
        for found in counted:
            reasons.setdefault(found.target_id, {})[ReportReason(found.reason)] = int(found.n)
        return [case_from_row(row, reasons.get(row.target_id, {})) for row in rows]
