"""In-memory reports, cases, the audit log, and the moderators' read side."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.store import MemoryDatabase, MemoryState
from adapters.memory.videos import MemoryVideoQueries
from application.ports.audit_log import AuditLog
from application.ports.comment_queries import CommentView
from application.ports.moderation_queries import (
    LogKey,
    LogRecord,
    ModerationQueries,
    OpenCaseKey,
    ResolvedCaseKey,
)
from application.ports.report_repository import ReportRepository
from application.ports.video_queries import VideoView
from domain.moderation import AuditEntry, Case, Report, ReportReason, ReportStatus, TargetType
from domain.users import User


def _with_reasons(state: MemoryState, case: Case) -> Case:
    """The case with the count of each reason of its reports."""
    reasons = Counter(
        report.reason
        for report in state.reports.values()
        if (report.target_type, report.target_id) == (case.target_type, case.target_id)
        and report.status is case.status
        and (case.status is ReportStatus.OPEN or report.resolved_at == case.resolved_at)
    )
    return dataclasses.replace(case, reasons=dict(reasons))


class MemoryReportRepository(ReportRepository):
    """Reports and cases in dicts."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, report: Report) -> bool:
        if await self.open_report(report.reporter_id, report.target_type, report.target_id):
            return False
        self._state.reports[report.id] = report
        return True

    async def open_report(
        self, reporter_id: UUID, target_type: TargetType, target_id: UUID
    ) -> Report | None:
        return next(
            (
                r
                for r in self._state.reports.values()
                if (r.reporter_id, r.target_type, r.target_id, r.status)
                == (reporter_id, target_type, target_id, ReportStatus.OPEN)
            ),
            None,
        )

    async def report_times(self, reporter_id: UUID, since: datetime) -> Sequence[datetime]:
        return sorted(
            r.created_at
            for r in self._state.reports.values()
            if r.reporter_id == reporter_id and r.created_at > since
        )

    async def open_reporters(self, target_type: TargetType, target_id: UUID) -> int:
        return len(
            {
                r.reporter_id
                for r in self._state.reports.values()
                if (r.target_type, r.target_id, r.status)
                == (target_type, target_id, ReportStatus.OPEN)
            }
        )

    async def count_in_case(
        self, target_type: TargetType, target_id: UUID, reason: ReportReason, now: datetime
    ) -> None:
        key = (target_type, target_id)
        case = self._state.cases.get(key)
        if case is None or case.status is ReportStatus.RESOLVED:
            case = Case(
                target_type=target_type,
                target_id=target_id,
                status=ReportStatus.OPEN,
                report_count=0,
                reasons={},
                first_reported_at=now,
                last_reported_at=now,
            )
        self._state.cases[key] = dataclasses.replace(
            case, report_count=case.report_count + 1, last_reported_at=now
        )

    async def resolve(self, target_type: TargetType, target_id: UUID, now: datetime) -> int:
        resolved = 0
        for report in list(self._state.reports.values()):
            if (report.target_type, report.target_id, report.status) == (
                target_type,
                target_id,
                ReportStatus.OPEN,
            ):
                self._state.reports[report.id] = dataclasses.replace(
                    report, status=ReportStatus.RESOLVED, resolved_at=now
                )
                resolved += 1
        case = self._state.cases.get((target_type, target_id))
        if case is not None and case.status is ReportStatus.OPEN:
            self._state.cases[(target_type, target_id)] = dataclasses.replace(
                case, status=ReportStatus.RESOLVED, resolved_at=now
            )
        return resolved

    async def case(self, target_type: TargetType, target_id: UUID) -> Case | None:
        case = self._state.cases.get((target_type, target_id))
        return None if case is None else _with_reasons(self._state, case)


class MemoryAuditLog(AuditLog):
    """Entries in a dict; nothing here changes or deletes one."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def append(self, entry: AuditEntry) -> None:
        self._state.audit_log[entry.id] = entry


class MemoryModerationQueries(ModerationQueries):
    """The moderators' read side over the in-memory state."""

    def __init__(self, store: MemoryDatabase, videos: MemoryVideoQueries) -> None:
        self._store = store
        self._videos = videos

    async def open_cases(self, *, after: OpenCaseKey | None, limit: int) -> Sequence[Case]:
        async with self._store.lock:
            state = self._store.state
            keyed = sorted(
                (
                    ((c.report_count, c.last_reported_at, c.target_id), c)
                    for c in state.cases.values()
                    if c.status is ReportStatus.OPEN
                ),
                key=lambda item: item[0],
                reverse=True,
            )
            found = [c for key, c in keyed if after is None or key < after][:limit]
            return [_with_reasons(state, c) for c in found]

    async def resolved_cases(self, *, after: ResolvedCaseKey | None, limit: int) -> Sequence[Case]:
        async with self._store.lock:
            state = self._store.state
            keyed = sorted(
                (
                    ((c.resolved_at, c.target_id), c)
                    for c in state.cases.values()
                    if c.status is ReportStatus.RESOLVED and c.resolved_at is not None
                ),
                key=lambda item: item[0],
                reverse=True,
            )
            found = [c for key, c in keyed if after is None or key < after][:limit]
            return [_with_reasons(state, c) for c in found]

    async def log(self, *, after: LogKey | None, limit: int) -> Sequence[LogRecord]:
        async with self._store.lock:
            state = self._store.state
            entries = sorted(
                (
                    e
                    for e in state.audit_log.values()
                    if after is None or (e.created_at, e.id) < after
                ),
                key=lambda e: (e.created_at, e.id),
                reverse=True,
            )[:limit]
            return [LogRecord(entry=e, actor=state.users.get(e.actor_id)) for e in entries]

    async def videos(self, video_ids: Collection[UUID], viewer_id: UUID) -> dict[UUID, VideoView]:
        async with self._store.lock:
            stored = self._store.state.videos
            return {i: self._videos.view_of(stored[i], viewer_id) for i in video_ids if i in stored}

    async def comments(
        self, comment_ids: Collection[UUID], viewer_id: UUID
    ) -> dict[UUID, CommentView]:
        async with self._store.lock:
            state = self._store.state
            found: dict[UUID, CommentView] = {}
            for comment_id in comment_ids:
                comment = state.comments.get(comment_id)
                if comment is not None:
                    liked = (viewer_id, comment_id) in state.comment_likes
                    found[comment_id] = CommentView(
                        comment=comment,
                        author=state.users[comment.author_id],
                        liked_by_me=liked,
                        follows_author=(viewer_id, comment.author_id) in state.follows,
                    )
            return found

    async def users(self, user_ids: Collection[UUID]) -> dict[UUID, User]:
        async with self._store.lock:
            stored = self._store.state.users
            return {i: stored[i] for i in user_ids if i in stored}
