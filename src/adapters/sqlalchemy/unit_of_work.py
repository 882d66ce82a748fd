"""SQL unit of work: one connection, one transaction, the repositories that share it."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.jobs.sql_queue import SqlTaskQueue
from adapters.sqlalchemy.blocks import SqlBlockRepository
from adapters.sqlalchemy.deletions import SqlDeletionQueue
from adapters.sqlalchemy.errors import database_errors, is_outage
from adapters.sqlalchemy.reports import SqlAuditLog, SqlReportRepository
from adapters.sqlalchemy.saves import SqlSaveRepository
from adapters.sqlalchemy.sessions import SqlSessionRepository
from adapters.sqlalchemy.social import (
    SqlCommentRepository,
    SqlFollowRepository,
    SqlLikeRepository,
)
from adapters.sqlalchemy.users import SqlUserRepository
from adapters.sqlalchemy.videos import SqlVideoRepository
from adapters.sqlalchemy.watches import SqlWatchRepository
from adapters.system import SystemClock
from application.errors import DependencyUnavailable
from application.ports.task_queue import TaskQueue
from application.ports.unit_of_work import UnitOfWork

TaskQueueFactory = Callable[[AsyncConnection], TaskQueue]
"""The task queue of a unit of work, on its connection (procrastinate's on PostgreSQL; by default
the in-process queue's own table)."""


def _own_table_queue(connection: AsyncConnection) -> TaskQueue:
    return SqlTaskQueue(connection, SystemClock())


class SqlUnitOfWork(UnitOfWork):
    """Checks out a connection and begins a transaction on enter; rolls back on exit unless committed.

    `committed` records whether `commit()` was called, like the in-memory unit of work.
    """

    # The repositories exist from `__aenter__` on (the port's read-only properties below).
    _users: SqlUserRepository
    _sessions: SqlSessionRepository
    _videos: SqlVideoRepository
    _deletions: SqlDeletionQueue
    _follows: SqlFollowRepository
    _likes: SqlLikeRepository
    _comments: SqlCommentRepository
    _blocks: SqlBlockRepository
    _reports: SqlReportRepository
    _audit_log: SqlAuditLog
    _watches: SqlWatchRepository
    _saves: SqlSaveRepository
    _tasks: TaskQueue

    def __init__(self, engine: AsyncEngine, tasks: TaskQueueFactory | None = None) -> None:
        self._engine = engine
        self._task_queue = tasks or _own_table_queue
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
        self._users = SqlUserRepository(connection)
        self._sessions = SqlSessionRepository(connection)
        self._videos = SqlVideoRepository(connection)
        self._deletions = SqlDeletionQueue(connection)
        self._follows = SqlFollowRepository(connection)
        self._likes = SqlLikeRepository(connection)
        self._comments = SqlCommentRepository(connection)
        self._blocks = SqlBlockRepository(connection)
        self._reports = SqlReportRepository(connection)
        self._audit_log = SqlAuditLog(connection)
        self._watches = SqlWatchRepository(connection)
        self._saves = SqlSaveRepository(connection)
        self._tasks = self._task_queue(connection)
        return self

    @property
    def users(self) -> SqlUserRepository:
        return self._users

    @property
    def sessions(self) -> SqlSessionRepository:
        return self._sessions

    @property
    def videos(self) -> SqlVideoRepository:
        return self._videos

    @property
    def deletions(self) -> SqlDeletionQueue:
        return self._deletions

    @property
    def follows(self) -> SqlFollowRepository:
        return self._follows

    @property
    def likes(self) -> SqlLikeRepository:
        return self._likes

    @property
    def comments(self) -> SqlCommentRepository:
        return self._comments

    @property
    def blocks(self) -> SqlBlockRepository:
        return self._blocks

    @property
    def reports(self) -> SqlReportRepository:
        return self._reports

    @property
    def audit_log(self) -> SqlAuditLog:
        return self._audit_log

    @property
    def watches(self) -> SqlWatchRepository:
        return self._watches

    @property
    def saves(self) -> SqlSaveRepository:
        return self._saves

    @property
    def tasks(self) -> TaskQueue:
        return self._tasks

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

    def __init__(self, engine: AsyncEngine, tasks: TaskQueueFactory | None = None) -> None:
        self._engine = engine
        self._tasks = tasks

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._engine, self._tasks)
