"""Moderation: roles, the moderation state of videos and comments, blocks between accounts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from uuid import UUID

from domain.errors import ValidationFailed

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
