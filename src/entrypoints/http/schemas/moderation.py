"""Structs of reports, the moderators' queue and actions, the audit log and roles."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from application.common.visibility import Viewer
from application.ports.moderation_queries import LogRecord
from application.safety.cases import CaseView
from application.users.profile import Profile
from domain.moderation import MODERATION_REASON_MAX, REPORT_DETAILS_MAX, Report
from entrypoints.http.schemas.comments import CommentOut, comment_out
from entrypoints.http.schemas.common import Id, Timestamp, timestamp
from entrypoints.http.schemas.users import UserOut, UserSummaryOut, summary_out, user_out
from entrypoints.http.schemas.videos import VideoOut, video_out

TargetTypeName = Literal["video", "comment", "user"]
ReasonName = Literal[
    "spam",
    "harassment",
    "hate",
    "violence",
    "sexual",
    "child_safety",
    "self_harm",
    "copyright",
    "misinformation",
    "other",
]
ActionName = Literal["dismiss", "remove", "restore", "suspend", "unsuspend"]
RoleName = Literal["user", "moderator", "admin"]
Details = Annotated[
    str, Meta(max_length=REPORT_DETAILS_MAX, description="At most 1000 characters.")
]
ModerationReason = Annotated[
    str, Meta(max_length=MODERATION_REASON_MAX, description="At most 500 characters.")
]


class ReportIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """What you report and why."""

    target_type: TargetTypeName
    target_id: UUID
    reason: ReasonName
    details: Details | None = None


class ReportOut(msgspec.Struct, rename="camel"):
    """A report: `open` until a moderator acts on its target."""

    id: Id
    target_type: TargetTypeName
    target_id: Id
    reason: ReasonName
    details: str | None
    status: Literal["open", "resolved"]
    created_at: Timestamp


class CaseOut(msgspec.Struct, rename="camel"):
    """The reports of one target since it was last acted on, with the target as moderators see
    it (`user`: the target account, or the author of the video or comment; null once gone) and
    its `state`."""

    target_type: TargetTypeName
    target_id: Id
    video: VideoOut | None
    comment: CommentOut | None
    user: UserOut | None
    report_count: int
    reasons: dict[str, int]
    first_reported_at: Timestamp
    last_reported_at: Timestamp
    state: Literal["visible", "pending_review", "removed", "suspended"]
    status: Literal["open", "resolved"]


class CasePageOut(msgspec.Struct, rename="camel"):
    """A page of cases; pass `nextCursor` as `cursor` for the next one (null: last page)."""

    items: list[CaseOut]
    next_cursor: str | None


class ActionIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A moderator's action on a target."""

    target_type: TargetTypeName
    target_id: UUID
    action: ActionName
    reason: ModerationReason | None = None


class LogEntryOut(msgspec.Struct, rename="camel"):
    """One moderation action (`set_role` for a role grant, its reason naming the role); `actor`
    is null once the moderator's account is deleted."""

    id: Id
    actor: UserSummaryOut | None
    action: str
    target_type: TargetTypeName
    target_id: Id
    reason: str | None
    created_at: Timestamp


class LogPageOut(msgspec.Struct, rename="camel"):
    """A page of the audit log; pass `nextCursor` as `cursor` for the next one (null: last)."""

    items: list[LogEntryOut]
    next_cursor: str | None


class RoleIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """The account's new role."""

    role: RoleName


def report_out(report: Report) -> ReportOut:
    return ReportOut(
        id=str(report.id),
        target_type=report.target_type.value,
        target_id=str(report.target_id),
        reason=report.reason.value,
        details=report.details,
        status=report.status.value,
        created_at=timestamp(report.created_at),
    )


def case_out(view: CaseView, base_url: str, viewer: Viewer) -> CaseOut:
    case = view.case
    return CaseOut(
        target_type=case.target_type.value,
        target_id=str(case.target_id),
        video=None if view.video is None else video_out(view.video, base_url, viewer),
        comment=None if view.comment is None else comment_out(view.comment, viewer),
        user=None if view.user is None else user_out(Profile(user=view.user, is_following=None)),
        report_count=case.report_count,
        reasons={reason.value: count for reason, count in case.reasons.items()},
        first_reported_at=timestamp(case.first_reported_at),
        last_reported_at=timestamp(case.last_reported_at),
        state=view.state,  # type: ignore[arg-type]  # one of the four (CaseView)
        status=case.status.value,
    )


def log_entry_out(record: LogRecord) -> LogEntryOut:
    entry = record.entry
    return LogEntryOut(
        id=str(entry.id),
        actor=None if record.actor is None else summary_out(record.actor, None),
        action=entry.action,
        target_type=entry.target_type.value,
        target_id=str(entry.target_id),
        reason=entry.reason,
        created_at=timestamp(entry.created_at),
    )
