"""The unit-of-work port: one transaction and the repositories that share it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol

from application.ports.maintenance import DeletionQueue
from application.ports.repositories import SessionRepository, UserRepository
from application.ports.social import CommentRepository, FollowRepository, LikeRepository
from application.ports.videos import VideoRepository


class UnitOfWork(Protocol):
    """A transaction; rolls back on exit unless `commit()` was called."""

    users: UserRepository
    sessions: SessionRepository
    videos: VideoRepository
    deletions: DeletionQueue
    follows: FollowRepository
    likes: LikeRepository
    comments: CommentRepository

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
