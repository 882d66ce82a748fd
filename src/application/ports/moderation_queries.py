"""Port: the moderators' queue and log (read side)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.ports.comment_queries import CommentView
from application.ports.video_queries import VideoView
from domain.moderation import AuditEntry, Case
from domain.users import User

OpenCaseKey = tuple[int, datetime, UUID]
"""A keyset position among open cases: (report count, last reported at, target id), descending."""

ResolvedCaseKey = tuple[datetime, UUID]
"""A keyset position among resolved cases: (resolved at, target id), descending."""

LogKey = tuple[datetime, UUID]
"""A keyset position in the audit log: (created at, entry id), descending."""


@dataclass(frozen=True, slots=True)
class LogRecord:
    """An audit entry and its actor (None once the actor's account is deleted)."""

    entry: AuditEntry
    actor: User | None


class ModerationQueries(Protocol):
    """The case queue, the audit log and the targets of a page of cases, a round trip each."""

    async def open_cases(self, *, after: OpenCaseKey | None, limit: int) -> Sequence[Case]:
        """Open cases, most reported first, then most recently reported."""
        ...

    async def resolved_cases(self, *, after: ResolvedCaseKey | None, limit: int) -> Sequence[Case]:
        """Resolved cases, most recently resolved first."""
        ...

    async def log(self, *, after: LogKey | None, limit: int) -> Sequence[LogRecord]:
        """Audit entries, newest first, with their actors."""
        ...

    async def videos(self, video_ids: Collection[UUID], viewer_id: UUID) -> dict[UUID, VideoView]:
        """These videos (those that still exist) with their authors, whatever their state."""
        ...

    async def comments(
        self, comment_ids: Collection[UUID], viewer_id: UUID
    ) -> dict[UUID, CommentView]:
        """These comments (those that still exist) with their authors, whatever their state."""
        ...

    async def users(self, user_ids: Collection[UUID]) -> dict[UUID, User]:
        """These accounts (those that still exist)."""
        ...
