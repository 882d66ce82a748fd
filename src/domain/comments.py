"""Comments: threads one level deep under a video."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.errors import ValidationFailed
from domain.moderation import ModerationState

BODY_MAX = 1000
_CONTROL = {chr(c) for c in range(32)} - {"\n", "\t"} | {"\x7f"}


def parse_body(raw: str) -> str:
    """1..1000 characters after trimming; line breaks allowed, other control characters not."""
    body = raw.strip()
    if not 1 <= len(body) <= BODY_MAX:
        raise ValidationFailed.single("body", f"must be 1 to {BODY_MAX} characters long")
    if any(ch in _CONTROL for ch in body):
        raise ValidationFailed.single("body", "must not contain control characters")
    return body


@dataclass(frozen=True, slots=True)
class Comment:
    """A top-level comment on a video (`parent_id` None) or a reply to one.

    Threads are one level deep: a reply to a reply attaches to the top-level comment.
    """

    id: UUID
    video_id: UUID
    author_id: UUID
    body: str
    created_at: datetime
    parent_id: UUID | None = None
    edited_at: datetime | None = None
    reply_count: int = 0
    like_count: int = 0
    # Changed only through `CommentRepository.set_moderation`.
    moderation_state: ModerationState = ModerationState.VISIBLE
    moderation_reason: str | None = None
    pinned_at: datetime | None = None  # when the video's owner pinned it (top-level only)

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def pinned(self) -> bool:
        return self.pinned_at is not None
