"""Report a video, a comment or an account."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.common.visibility import (
    Viewer,
    visible_account,
    visible_comment,
    visible_video,
)
from application.ports.clock import Clock
from application.ports.id_generator import IdGenerator
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.safety.policy import SafetyPolicy
from domain.errors import ValidationFailed
from domain.moderation import (
    REPORTS_PER_HOUR,
    ModerationState,
    Report,
    ReportReason,
    TargetType,
    TooManyReports,
    parse_details,
)

_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportCommand:
    reporter: Viewer
    target_type: TargetType
    target_id: UUID
    reason: ReportReason
    details: str | None = None


@dataclass(frozen=True, slots=True)
class Reported:
    """The report, and whether this request created it (False: an open one existed)."""

    report: Report
    created: bool


class ReportContent:
    """Report a video, comment or account you can see (404 otherwise); your own content, or
    yourself, is 422. While your earlier report on the same target is open, reporting it again
    answers that report and changes nothing. At most 20 reports an hour per user (429, with the
    seconds until one more is allowed).

    Each report counts in the target's case (the moderators' queue). When the distinct users
    with open reports on a video or comment reach `CLIPSTREAM_REPORT_HIDE_THRESHOLD` (0: never),
    it is hidden pending review (`moderation.state = pending_review`) until a moderator acts.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, policy: SafetyPolicy
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._policy = policy

    async def execute(self, command: ReportCommand) -> Reported:
        details = parse_details(command.details)
        reporter_id = command.reporter.user_id
        if reporter_id is None:
            raise ValueError("reports are made by signed-in users")
        now = self._clock.now()
        async with self._uow() as uow:
            author_id = await _author_of_visible(uow, command)
            if author_id == reporter_id:
                raise ValidationFailed.single("targetId", "you cannot report yourself or your own")
            existing = await uow.reports.open_report(
                reporter_id, command.target_type, command.target_id
            )
            if existing is not None:
                return Reported(existing, created=False)
            recent = await uow.reports.report_times(reporter_id, now - _WINDOW)
            if len(recent) >= REPORTS_PER_HOUR:
                wait = recent[len(recent) - REPORTS_PER_HOUR] + _WINDOW - now
                raise TooManyReports(max(1, math.ceil(wait.total_seconds())))
            report = Report(
                id=self._ids.new_id(),
                reporter_id=reporter_id,
                target_type=command.target_type,
                target_id=command.target_id,
                reason=command.reason,
                details=details,
                created_at=now,
            )
            if not await uow.reports.add(report):  # a concurrent identical report won
                raced = await uow.reports.open_report(
                    reporter_id, command.target_type, command.target_id
                )
                if raced is not None:
                    return Reported(raced, created=False)
            await uow.reports.count_in_case(
                command.target_type, command.target_id, command.reason, now
            )
            await self._hide_when_reported_enough(uow, command)
            await uow.commit()
        return Reported(report, created=True)

    async def _hide_when_reported_enough(self, uow: UnitOfWork, command: ReportCommand) -> None:
        threshold = self._policy.hide_threshold
        if threshold <= 0 or command.target_type is TargetType.USER:
            return
        if await uow.reports.open_reporters(command.target_type, command.target_id) < threshold:
            return
        if command.target_type is TargetType.VIDEO:
            video = await uow.videos.get(command.target_id)
            if video is not None and video.moderation_state is ModerationState.VISIBLE:
                await uow.videos.set_moderation(video.id, ModerationState.PENDING_REVIEW, None)
        else:
            comment = await uow.comments.get(command.target_id)
            if comment is not None and comment.moderation_state is ModerationState.VISIBLE:
                await uow.comments.set_moderation(comment.id, ModerationState.PENDING_REVIEW, None)


async def _author_of_visible(uow: UnitOfWork, command: ReportCommand) -> UUID:
    """The author of the target (the account itself for a user), if the reporter can see it."""
    if command.target_type is TargetType.VIDEO:
        return (await visible_video(uow, command.target_id, command.reporter)).owner_id
    if command.target_type is TargetType.COMMENT:
        return (await visible_comment(uow, command.target_id, command.reporter)).author_id
    return (await visible_account(uow, command.target_id, command.reporter)).id
