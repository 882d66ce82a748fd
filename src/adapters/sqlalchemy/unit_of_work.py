"""SQL unit of work: one connection, one transaction, the repositories that share it."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.deletions import SqlDeletionQueue
from adapters.sqlalchemy.errors import database_errors, is_outage
from adapters.sqlalchemy.sessions import SqlSessionRepository
from adapters.sqlalchemy.social import (
    SqlCommentRepository,
    SqlFollowRepository,
    SqlLikeRepository,
)
from adapters.sqlalchemy.users import SqlUserRepository
from adapters.sqlalchemy.videos import SqlVideoRepository
from application.errors import DependencyUnavailable
from application.ports.comment_repository import CommentRepository
from application.ports.deletion_queue import DeletionQueue
from application.ports.follow_repository import FollowRepository
from application.ports.like_repository import LikeRepository
from application.ports.session_repository import SessionRepository
from application.ports.user_repository import UserRepository
from application.ports.video_repository import VideoRepository


class SqlUnitOfWork:
    """Checks out a connection and begins a transaction on enter; rolls back on exit unless committed.

    `committed` records whether `commit()` was called, like the in-memory unit of work.
    """

    users: UserRepository
    sessions: SessionRepository
    videos: VideoRepository
    deletions: DeletionQueue
    follows: FollowRepository
    likes: LikeRepository
    comments: CommentRepository

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self.committed = False

    async def __aenter__(self) -> SqlUnitOfWork:
        if self._connection is not None:
            raise RuntimeError("a unit of work can be entered only once at a time")
        with database_errors():
            connection = await self._engine.connect()
            try:
                await connection.begin()
            except BaseException:
                await _close_quietly(connection)
                raise
        self._connection = connection
        self.users = SqlUserRepository(connection)
        self.sessions = SqlSessionRepository(connection)
        self.videos = SqlVideoRepository(connection)
        self.deletions = SqlDeletionQueue(connection)
        self.follows = SqlFollowRepository(connection)
        self.likes = SqlLikeRepository(connection)
        self.comments = SqlCommentRepository(connection)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                if connection.in_transaction():
                    await connection.rollback()
            except Exception as error:
                if not is_outage(error):
                    raise
            finally:
                await _close_quietly(connection)
        if exc is not None and is_outage(exc):  # replaces the driver error in flight
            raise DependencyUnavailable("database") from exc

    async def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("commit() outside the unit of work's `async with` block")
        with database_errors():
            await self._connection.commit()
        self.committed = True


async def _close_quietly(connection: AsyncConnection) -> None:
    """Return the connection to the pool; a connection the outage broke is discarded by the pool."""
    try:
        await connection.close()
    except Exception as error:
        if not is_outage(error):
            raise


class SqlUnitOfWorkFactory:
    """Makes a new `SqlUnitOfWork` on the engine per call: the `UnitOfWorkFactory` of the use cases."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._engine)
