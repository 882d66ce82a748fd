"""Moderation: roles, the moderation state of videos and comments, blocks between accounts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.errors import DomainError, Forbidden, TooManyAttempts, ValidationFailed

MODERATION_REASON_MAX = 500


class Role(enum.StrEnum):
    """What an account may do beyond its own content: moderators act on reports, admins also
    grant roles."""

    USER = "user"
    MODERATOR = "moderator"
    ADMIN = "admin"

    @property
    def moderates(self) -> bool:
        """Moderators and admins see hidden content and act on reports."""
        return self is not Role.USER


class ModerationState(enum.StrEnum):
    """Whether a video or comment is shown: `pending_review` (hidden by reports until a moderator
    looks) and `removed` (by a moderator) are seen only by the author and moderators."""

    VISIBLE = "visible"
    PENDING_REVIEW = "pending_review"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class BlockRelation:
    """The blocks between a viewer and another account, from the viewer's side."""

    blocking: bool = False  # the viewer blocks the other account
    blocked_by: bool = False  # the other account blocks the viewer

    @property
    def either(self) -> bool:
        """A block in either direction: each is then hidden from the other."""
        return self.blocking or self.blocked_by


NO_BLOCK = BlockRelation()


def check_block(blocker_id: UUID, blocked_id: UUID) -> None:
    """Nobody blocks themselves (422)."""
    if blocker_id == blocked_id:
        raise ValidationFailed.single("userId", "you cannot block yourself")


# --- reports, cases, actions, the audit log -------------------------------------------------------

REPORT_DETAILS_MAX = 1000
REPORTS_PER_HOUR = 20


class TargetType(enum.StrEnum):
    """What can be reported and acted on."""

    VIDEO = "video"
    COMMENT = "comment"
    USER = "user"


class ReportReason(enum.StrEnum):
    """Why something is reported (a bounded list, so a queue can be sorted by it)."""

    SPAM = "spam"
    HARASSMENT = "harassment"
    HATE = "hate"
    VIOLENCE = "violence"
    SEXUAL = "sexual"
    CHILD_SAFETY = "child_safety"
    SELF_HARM = "self_harm"
    COPYRIGHT = "copyright"
    MISINFORMATION = "misinformation"
    OTHER = "other"


class ReportStatus(enum.StrEnum):
    """A report is open until a moderator acts on its target (dismiss, remove, suspend)."""

    OPEN = "open"
    RESOLVED = "resolved"


class ModerationAction(enum.StrEnum):
    """What a moderator does to a target; `applies_to` says to which kinds."""

    DISMISS = "dismiss"
    REMOVE = "remove"
    RESTORE = "restore"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"

    def applies_to(self, target: TargetType) -> bool:
        if self is ModerationAction.DISMISS:
            return True
        if self in (ModerationAction.REMOVE, ModerationAction.RESTORE):
            return target is not TargetType.USER
        return target is TargetType.USER

    @property
    def resolves_reports(self) -> bool:
        """Dismissing, removing and suspending close the target's open reports."""
        return self in (ModerationAction.DISMISS, ModerationAction.REMOVE, ModerationAction.SUSPEND)


def parse_details(raw: str | None) -> str | None:
    """At most 1000 characters after trimming; blank is none."""
    details = (raw or "").strip()
    if len(details) > REPORT_DETAILS_MAX:
        raise ValidationFailed.single(
            "details", f"must be at most {REPORT_DETAILS_MAX} characters long"
        )
    return details or None


def parse_moderation_reason(raw: str | None) -> str | None:
    """At most 500 characters after trimming; blank is none."""
    reason = (raw or "").strip()
    if len(reason) > MODERATION_REASON_MAX:
        raise ValidationFailed.single(
            "reason", f"must be at most {MODERATION_REASON_MAX} characters long"
        )
    return reason or None


@dataclass(frozen=True, slots=True)
class Report:
    """A user's report of a video, comment or account."""

    id: UUID
    reporter_id: UUID
    target_type: TargetType
    target_id: UUID
    reason: ReportReason
    details: str | None
    created_at: datetime
    status: ReportStatus = ReportStatus.OPEN
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Case:
    """The reports of one target since it was last acted on, as a moderator's queue holds them.

    A target's first report opens its case; an action that resolves reports closes it; a later
    report opens it again with fresh counts.
    """

    target_type: TargetType
    target_id: UUID
    status: ReportStatus
    report_count: int
    reasons: dict[ReportReason, int]
    first_reported_at: datetime
    last_reported_at: datetime
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One moderation action: who did what to which target, when and why. Never changed."""

    id: UUID
    actor_id: UUID
    action: str  # a `ModerationAction`, or "set_role" for a role grant (the reason names the role)
    target_type: TargetType
    target_id: UUID
    reason: str | None
    created_at: datetime


class AccountSuspended(Forbidden):
    """The account is suspended: it may not log in or refresh its tokens."""

    def __init__(self) -> None:
        super().__init__("This account is suspended.")


class TooManyReports(TooManyAttempts):
    """More than `REPORTS_PER_HOUR` reports within an hour."""

    def __init__(self, retry_after_seconds: int) -> None:
        DomainError.__init__(
            self,
            f"At most {REPORTS_PER_HOUR} reports an hour. Try again in "
            f"{retry_after_seconds} seconds.",
        )
        self.retry_after_seconds = retry_after_seconds
