"""In-memory unit of work."""

from __future__ import annotations

from types import TracebackType

from adapters.jobs.memory import MemoryTaskQueue
from adapters.memory.blocks import MemoryBlockRepository
from adapters.memory.deletions import MemoryDeletionQueue
from adapters.memory.moderation import MemoryAuditLog, MemoryReportRepository
from adapters.memory.saves import MemorySaveRepository
from adapters.memory.sessions import MemorySessionRepository
from adapters.memory.social import (
    MemoryCommentRepository,
    MemoryFollowRepository,
    MemoryLikeRepository,
)
from adapters.memory.store import MemoryDatabase
from adapters.memory.users import MemoryUserRepository
from adapters.memory.videos import MemoryVideoRepository
from adapters.memory.watches import MemoryWatchRepository
from adapters.system import SystemClock
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork


class MemoryUnitOfWork(UnitOfWork):
    """Holds the store's lock for its lifetime; on exit without commit, restores the state it found.

    `committed` records whether `commit()` was called (tests assert on it).
    """

    # The repositories exist from `__aenter__` on (the port's read-only properties below).
    _users: MemoryUserRepository
    _sessions: MemorySessionRepository
    _videos: MemoryVideoRepository
    _deletions: MemoryDeletionQueue
    _follows: MemoryFollowRepository
    _likes: MemoryLikeRepository
    _comments: MemoryCommentRepository
    _blocks: MemoryBlockRepository
    _reports: MemoryReportRepository
    _audit_log: MemoryAuditLog
    _watches: MemoryWatchRepository
    _saves: MemorySaveRepository
    _tasks: MemoryTaskQueue

    def __init__(self, store: MemoryDatabase, clock: Clock | None = None) -> None:
        self._store = store
        self._clock = clock or SystemClock()
        self.committed = False

    async def __aenter__(self) -> MemoryUnitOfWork:
        await self._store.lock.acquire()
        self._before = self._store.snapshot()
        self._users = MemoryUserRepository(self._store.state)
        self._sessions = MemorySessionRepository(self._store.state)
        self._videos = MemoryVideoRepository(self._store.state)
        self._deletions = MemoryDeletionQueue(self._store.state)
        self._follows = MemoryFollowRepository(self._store.state)
        self._likes = MemoryLikeRepository(self._store.state)
        self._comments = MemoryCommentRepository(self._store.state)
        self._blocks = MemoryBlockRepository(self._store.state)
        self._reports = MemoryReportRepository(self._store.state)
        self._audit_log = MemoryAuditLog(self._store.state)
        self._watches = MemoryWatchRepository(self._store.state)
        self._saves = MemorySaveRepository(self._store.state)
        self._tasks = MemoryTaskQueue(self._store.state, self._clock)
        return self

    @property
    def users(self) -> MemoryUserRepository:
        return self._users

    @property
    def sessions(self) -> MemorySessionRepository:
        return self._sessions

    @property
    def videos(self) -> MemoryVideoRepository:
        return self._videos

    @property
    def deletions(self) -> MemoryDeletionQueue:
        return self._deletions

    @property
    def follows(self) -> MemoryFollowRepository:
        return self._follows

    @property
    def likes(self) -> MemoryLikeRepository:
        return self._likes

    @property
    def comments(self) -> MemoryCommentRepository:
        return self._comments

    @property
    def blocks(self) -> MemoryBlockRepository:
        return self._blocks

    @property
    def reports(self) -> MemoryReportRepository:
        return self._reports

    @property
    def audit_log(self) -> MemoryAuditLog:
        return self._audit_log

    @property
    def watches(self) -> MemoryWatchRepository:
        return self._watches

    @property
    def saves(self) -> MemorySaveRepository:
        return self._saves

    @property
    def tasks(self) -> MemoryTaskQueue:
        return self._tasks

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self.committed:
                self._store.state.__dict__.update(vars(self._before))
        finally:
            self._store.lock.release()

    async def commit(self) -> None:
        self.committed = True
        self._before = self._store.snapshot()
