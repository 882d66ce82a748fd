"""The in-memory database: its tables and the lock that serialises its units of work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from adapters.jobs.records import StoredJob
from application.ports.deletion_queue import PendingDeletion
from application.ports.hashtag_queries import TrendingHashtag
from domain.comments import Comment
from domain.moderation import AuditEntry, Case, Report, TargetType
from domain.sessions import RefreshToken, Session
from domain.users import User
from domain.videos import Video
from domain.watching import Watch


@dataclass
class MemoryState:
    """Every table of the in-memory storage."""

    users: dict[UUID, User] = field(default_factory=dict)
    sessions: dict[UUID, Session] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    videos: dict[UUID, Video] = field(default_factory=dict)
    deletions: dict[str, tuple[PendingDeletion, datetime]] = field(default_factory=dict)
    follows: dict[tuple[UUID, UUID], datetime] = field(default_factory=dict)  # (follower, followee)
    video_likes: dict[tuple[UUID, UUID], datetime] = field(default_factory=dict)  # (user, video)
    video_saves: dict[tuple[UUID, UUID], datetime] = field(default_factory=dict)  # (user, video)
    comment_likes: dict[tuple[UUID, UUID], datetime] = field(
        default_factory=dict
    )  # (user, comment)
    comments: dict[UUID, Comment] = field(default_factory=dict)
    blocks: dict[tuple[UUID, UUID], datetime] = field(default_factory=dict)  # (blocker, blocked)
    reports: dict[UUID, Report] = field(default_factory=dict)
    cases: dict[tuple[TargetType, UUID], Case] = field(default_factory=dict)  # reasons: {}
    audit_log: dict[UUID, AuditEntry] = field(default_factory=dict)
    jobs: dict[int, StoredJob] = field(default_factory=dict)
    job_schedule: dict[str, datetime] = field(default_factory=dict)  # periodic task -> next run
    watches: dict[tuple[UUID, UUID], Watch] = field(default_factory=dict)  # (user, video)
    view_hours: dict[tuple[UUID, datetime], int] = field(default_factory=dict)  # (video, hour)
    trending: dict[int, TrendingHashtag] = field(default_factory=dict)  # position -> entry
    not_interested: dict[tuple[UUID, UUID], datetime] = field(default_factory=dict)  # (user, video)


class MemoryDatabase:
    """The in-memory database: holds the state and serialises units of work (one at a time, like
    SERIALIZABLE). Not a port: the memory adapters share it, as the SQL ones share an engine."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.lock = asyncio.Lock()

    def snapshot(self) -> MemoryState:
        """A copy of every table (entities are immutable, so shallow copies suffice)."""
        return MemoryState(**{name: dict(table) for name, table in vars(self.state).items()})
