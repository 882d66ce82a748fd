"""The unit-of-work port: one transaction and the repositories that share it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from application.ports.audit_log import AuditLog
from application.ports.block_repository import BlockRepository
from application.ports.comment_repository import CommentRepository
from application.ports.deletion_queue import DeletionQueue
from application.ports.follow_repository import FollowRepository
from application.ports.like_repository import LikeRepository
from application.ports.report_repository import ReportRepository
from application.ports.save_repository import SaveRepository
from application.ports.session_repository import SessionRepository
from application.ports.task_queue import TaskQueue
from application.ports.user_repository import UserRepository
from application.ports.video_repository import VideoRepository
from application.ports.watch_repository import WatchRepository


class UnitOfWork(Protocol):
    """A transaction; rolls back on exit unless `commit()` was called.

    Its repositories share the transaction. They are read-only properties: a use case reads them
    and never replaces them, and an adapter may give each its own concrete repository type.
    """

    @property
    def users(self) -> UserRepository: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def videos(self) -> VideoRepository: ...

    @property
    def deletions(self) -> DeletionQueue: ...

    @property
    def follows(self) -> FollowRepository: ...

    @property
    def likes(self) -> LikeRepository: ...

    @property
    def comments(self) -> CommentRepository: ...

    @property
    def blocks(self) -> BlockRepository: ...

    @property
    def reports(self) -> ReportRepository: ...

    @property
    def audit_log(self) -> AuditLog: ...

    @property
    def watches(self) -> WatchRepository: ...

    @property
    def saves(self) -> SaveRepository: ...

    @property
    def tasks(self) -> TaskQueue:
        """Background jobs enqueued in this transaction (none if it rolls back)."""
        ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None:
        """Make every change of this unit of work durable."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
