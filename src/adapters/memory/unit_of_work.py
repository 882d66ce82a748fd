"""In-memory unit of work."""

from __future__ import annotations

from types import TracebackType

from adapters.memory.deletions import MemoryDeletionQueue
from adapters.memory.sessions import MemorySessionRepository
from adapters.memory.social import (
    MemoryCommentRepository,
    MemoryFollowRepository,
    MemoryLikeRepository,
)
from adapters.memory.store import MemoryStore
from adapters.memory.users import MemoryUserRepository
from adapters.memory.videos import MemoryVideoRepository


class MemoryUnitOfWork:
    """Holds the store's lock for its lifetime; on exit without commit, restores the state it found.

    `committed` records whether `commit()` was called (tests assert on it).
    """

    users: MemoryUserRepository
    sessions: MemorySessionRepository
    videos: MemoryVideoRepository
    deletions: MemoryDeletionQueue
    follows: MemoryFollowRepository
    likes: MemoryLikeRepository
    comments: MemoryCommentRepository

    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.committed = False

    async def __aenter__(self) -> MemoryUnitOfWork:
        await self._store.lock.acquire()
        self._before = self._store.snapshot()
        self.users = MemoryUserRepository(self._store.state)
        self.sessions = MemorySessionRepository(self._store.state)
        self.videos = MemoryVideoRepository(self._store.state)
        self.deletions = MemoryDeletionQueue(self._store.state)
        self.follows = MemoryFollowRepository(self._store.state)
        self.likes = MemoryLikeRepository(self._store.state)
        self.comments = MemoryCommentRepository(self._store.state)
        return self

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
