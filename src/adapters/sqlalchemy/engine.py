"""Async engine factory with the production settings for PostgreSQL and SQLite."""

from __future__ import annotations

import logging
import math
import os
import socket
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from adapters.postgres._library_internals import AnswerDeadlineConnection

POOL_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 3
# How much longer than the statement timeout the client waits for an answer before it gives up on
# the connection: the server's own timeout normally fires first and keeps the connection usable.
ANSWER_GRACE_SECONDS = 1.0
SQLITE_BUSY_TIMEOUT_MS = 5000

logger = logging.getLogger(__name__)


def create_engine(
    url: str, *, pool_size: int = 10, statement_timeout_ms: int = 5000
) -> AsyncEngine:
    """An `AsyncEngine` for a `postgresql+psycopg://` or `sqlite+aiosqlite:///` URL.

    PostgreSQL: a pre-pinged pool of `pool_size` (+ as many overflow) connections, a server-side
    statement timeout, a connect timeout, and UTC as the session time zone. A server that stops
    answering (frozen, or cut off without the connection being reset) cannot hang a caller: an
    operation with no answer `ANSWER_GRACE_SECONDS` past the statement timeout closes its
    connection, which fails like a lost connection (an outage) and is discarded by the pool.

    SQLite: the file's directory is created if missing; every connection enforces foreign keys,
    uses WAL and waits up to 5 s for a lock; transactions start with `BEGIN IMMEDIATE`, so that
    concurrent writers queue for the write lock instead of failing with "database is locked".
    """
    parsed = make_url(url)
    backend = (parsed.get_backend_name(), parsed.get_driver_name())
    if backend == ("postgresql", "psycopg"):
        answer_deadline = (
            statement_timeout_ms / 1000 + ANSWER_GRACE_SECONDS if statement_timeout_ms > 0 else None
        )
        return create_async_engine(
            url,
            async_creator=_postgres_connector(
                parsed.set(drivername="postgresql").render_as_string(hide_password=False),
                options=f"-c statement_timeout={int(statement_timeout_ms)} -c timezone=UTC",
                answer_deadline=answer_deadline,
            ),
            pool_pre_ping=True,
            hide_parameters=True,  # errors (and what logs them) never show the values
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=POOL_TIMEOUT_SECONDS,
        )
    if backend == ("sqlite", "aiosqlite"):
        ensure_sqlite_directory(url)
        engine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=POOL_TIMEOUT_SECONDS,
            hide_parameters=True,
        )
        event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    raise ValueError(
        f"unsupported database URL {url!r}: use postgresql+psycopg or sqlite+aiosqlite"
    )


class _WatchedConnection(AnswerDeadlineConnection):
    """A psycopg connection that gives up on a server that does not answer.

    An exchange with the server (statement, COMMIT, ROLLBACK, the pool's ping) still waiting after
    `answer_deadline` seconds has the connection's socket shut down: the exchange then fails at
    once as a lost connection. (Cancelling the waiting task instead would make psycopg send a
    cancel request and wait for the server, which does not answer.)
    """

    def no_answer(self) -> None:
        logger.warning(
            "the database did not answer within %.1f s: closing the connection",
            self.answer_deadline,
        )
        try:
            fd = self.pgconn.socket
        except psycopg.Error:  # already closed
            return
        try:
            # A duplicate of the descriptor: shutting it down ends the connection for both, while
            # the original stays open until psycopg closes it (so the number is never reused early).
            with socket.socket(fileno=os.dup(fd)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _postgres_connector(
    conninfo: str, *, options: str, answer_deadline: float | None
) -> Callable[[], Coroutine[Any, Any, psycopg.AsyncConnection[Any]]]:
    async def connect() -> psycopg.AsyncConnection[Any]:
        connection = await _WatchedConnection.connect(
            conninfo, connect_timeout=CONNECT_TIMEOUT_SECONDS, options=options
        )
        connection.answer_deadline = answer_deadline
        return connection

    return connect


def ensure_sqlite_directory(url: str) -> None:
    """Create the parent directory of an SQLite database file (no-op for other URLs or memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite_connection(
    dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    # Take transaction control away from the sqlite3 driver: `_begin_immediate` emits BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in (
            "PRAGMA foreign_keys=ON",
            "PRAGMA journal_mode=WAL",
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
            "PRAGMA synchronous=NORMAL",
            # LIKE is ASCII case-insensitive by default; PostgreSQL's is not (nor is the memory
            # adapter's prefix search): make them agree.
            "PRAGMA case_sensitive_like=ON",
        ):
            cursor.execute(pragma)
        try:  # For You ranks with ln(): built in only when SQLite has its math functions
            cursor.execute("SELECT ln(2.0)")
        except Exception:  # the driver's OperationalError: no such function
            dbapi_connection.create_function("ln", 1, _ln, deterministic=True)
    finally:
        cursor.close()


def _ln(value: float | None) -> float | None:
    """SQLite's `ln(x)`: NULL in, NULL out; NULL where the result is undefined."""
    if value is None:
        return None
    try:
        return math.log(value)
    except (ValueError, TypeError):
        return None


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
