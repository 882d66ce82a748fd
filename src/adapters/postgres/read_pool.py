"""The fast PostgreSQL read path: the read side's statements on a raw psycopg pool.

`PostgresSelectRunner` is the `SelectRunner` of the SQL queries on PostgreSQL. It runs each SELECT
on a psycopg pool of autocommit connections of its own: each statement (built once, with named
parameters: `adapters.sqlalchemy.read_statements`) is compiled once with the engine's dialect and
then executed as a server prepared statement, with no BEGIN/ROLLBACK, no pre-ping and no
SQLAlchemy execution context per call. Measured on the For You page, this path halves the time a
request spends in the database layer (see bench/RESULTS.md). What it needs of SQLAlchemy's
internals is in `_library_internals`.

An outage becomes `DependencyUnavailable("database")`. A read is idempotent, so a read whose
connection turned out to be dead (a database restart leaves every idle connection of the pool
dead) is retried once, on a new connection: requests after an outage succeed without waiting for
each stale connection to fail once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy import Select
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeDecorator

from adapters.postgres._library_internals import bind_processors, result_columns
from adapters.sqlalchemy.engine import CONNECT_TIMEOUT_SECONDS, POOL_TIMEOUT_SECONDS
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from application.errors import DependencyUnavailable

logger = logging.getLogger(__name__)

_MAX_STATEMENTS = 1024  # compiled statements kept (a few dozen exist)


class Row(dict[str, Any]):
    """A result row: `row.label` and `row._mapping["label"]`, like SQLAlchemy's rows.

    A dict whose missing attributes are looked up as keys, in C (the mapping functions read every
    column of every row: a Python `__getattr__` cost a tenth of a feed page).
    """

    __slots__ = ()
    __getattr__ = dict.__getitem__

    @property
    def _mapping(self) -> Row:
        return self


def _row_factory(cursor: psycopg.AsyncCursor[Any]) -> Callable[[Sequence[Any]], Row]:
    names = [column.name for column in cursor.description or ()]

    def make(values: Sequence[Any]) -> Row:
        return Row(zip(names, values, strict=True))

    return make


class CompiledSelect:
    """A statement compiled for psycopg: its SQL, bind processing and result processing."""

    __slots__ = ("bind_processors", "compiled", "result_processors", "sql")

    def __init__(self, query: Select[Any], dialect: Dialect) -> None:
        compiled = query.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"not a SELECT: {query!r}")
        if any(parameter.expanding for parameter in compiled.binds.values()):
            raise ValueError(
                "an expanding IN parameter needs a statement per call: use = ANY(:list)"
            )
        self.compiled = compiled
        self.sql = compiled.string
        self.bind_processors = tuple(bind_processors(compiled).items())
        self.result_processors = tuple(
            (name, _result_processor(column_type, dialect))
            for name, column_type in result_columns(compiled)
            if isinstance(column_type, TypeDecorator)
        )

    def parameters(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The driver's parameters: `given` (every named parameter) with their bind processing."""
        params = self.compiled.construct_params(params=given, escape_names=False)
        for name, process in self.bind_processors:
            if name in params:
                params[name] = process(params[name])
        return dict(params)


def _result_processor(column_type: TypeDecorator[Any], dialect: Any) -> Callable[[Any], Any]:
    def process(value: Any) -> Any:
        return column_type.process_result_value(value, dialect)

    return process


class PostgresSelectRunner(SelectRunner):
    """Runs each SELECT on a psycopg pool of autocommit connections, as a prepared statement."""

    def __init__(
        self,
        url: str,
        engine: AsyncEngine,
        *,
        pool_size: int = 10,
        statement_timeout_ms: int = 5000,
    ) -> None:
        parsed = make_url(url)
        conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        # The engine's dialect: the same SQL, bind casts and type processing as the engine's.
        self._dialect = engine.dialect
        self._conninfo = conninfo
        self._connect_kwargs: dict[str, Any] = {
            "autocommit": True,
            "prepare_threshold": 0,  # prepare every statement at its first use per connection
            "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            "options": f"-c statement_timeout={int(statement_timeout_ms)} -c timezone=UTC",
        }
        # Whether the pool's last attempt to connect failed: the database is down. psycopg_pool
        # would make every caller wait its full timeout for a connection that cannot come; a read
        # then connects by itself instead (see `_fetch_directly`).
        self._down = False
        self._checking: asyncio.Future[None] | None = None
        runner = self

        class _Connection(psycopg.AsyncConnection[Any]):
            @classmethod
            async def connect(cls, *args: Any, **kwargs: Any) -> Any:
                try:
                    connection = await super().connect(*args, **kwargs)
                except psycopg.Error:
                    runner._down = True
                    raise
                runner._down = False
                return connection

        self._pool = AsyncConnectionPool(
            conninfo,
            connection_class=_Connection,
            min_size=1,
            max_size=pool_size * 2,
            timeout=POOL_TIMEOUT_SECONDS,
            open=False,
            kwargs=self._connect_kwargs,
        )
        self._opened: asyncio.Future[None] | None = None
        self.executed = 0  # statements sent (observability and tests)
        # The statements, built once each (a few dozen shapes), with their compiled form.
        self._compiled: dict[int, tuple[Select[Any], CompiledSelect]] = {}

    async def rows(self, query: Select[Any], params: Mapping[str, Any]) -> list[Any]:
        shape = self.compiled(query)
        return await self._rows(shape, shape.parameters(params))

    def compiled(self, query: Select[Any]) -> CompiledSelect:
        """`query` compiled once, by identity (the statements are built once each)."""
        known = self._compiled.get(id(query))
        if known is None or known[0] is not query:
            if len(self._compiled) >= _MAX_STATEMENTS:  # never, unless statements are rebuilt
                self._compiled.clear()
            known = self._compiled[id(query)] = (query, CompiledSelect(query, self._dialect))
        return known[1]

    async def _rows(self, shape: CompiledSelect, params: dict[str, Any]) -> list[Any]:
        await self._open()
        if self._down and not self._pool.get_stats().get("pool_available"):
            return await self._fetch_directly(shape, params)
        try:
            return await self._fetch(shape, params)
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            if isinstance(error, psycopg.errors.QueryCanceled):  # statement timeout
                raise DependencyUnavailable("database") from error
            logger.info("a read lost its connection (%s): retrying once on a new one", error)
            try:
                return await self._fetch(shape, params)
            except (psycopg.OperationalError, psycopg.InterfaceError, PoolTimeout) as retry_error:
                raise DependencyUnavailable("database") from retry_error
        except (PoolTimeout, TimeoutError, ConnectionError) as error:
            raise DependencyUnavailable("database") from error

    async def _fetch_directly(self, shape: CompiledSelect, params: dict[str, Any]) -> list[Any]:
        """A read while the pool cannot connect: on a connection of its own, which fails at once
        while the database refuses connections and succeeds as soon as it is back (the pool
        reconnects in the background, with backoff)."""
        try:
            connection = await psycopg.AsyncConnection.connect(
                self._conninfo, **self._connect_kwargs
            )
        except (psycopg.Error, TimeoutError, ConnectionError) as error:
            raise DependencyUnavailable("database") from error
        if self._checking is None or self._checking.done():  # the database is back: refill
            self._checking = asyncio.ensure_future(self._pool.check())
            self._checking.add_done_callback(_retrieve)
        try:
            return await self._run(connection, shape, params)
        except (psycopg.OperationalError, psycopg.InterfaceError) as error:
            raise DependencyUnavailable("database") from error
        finally:
            await connection.close()

    async def _fetch(self, shape: CompiledSelect, params: dict[str, Any]) -> list[Any]:
        async with self._pool.connection() as connection:
            return await self._run(connection, shape, params)

    async def _run(
        self,
        connection: psycopg.AsyncConnection[Any],
        shape: CompiledSelect,
        params: dict[str, Any],
    ) -> list[Any]:
        cursor = connection.cursor(row_factory=_row_factory)
        self.executed += 1
        await cursor.execute(shape.sql, params)
        records = await cursor.fetchall()
        processors = shape.result_processors
        if processors:
            for record in records:
                for key, process in processors:
                    record[key] = process(record[key])
        return records

    async def _open(self) -> None:
        opened = self._opened
        if opened is None:
            opened = self._opened = asyncio.ensure_future(self._pool.open(wait=False))
        await opened

    async def close(self) -> None:
        if self._opened is not None:
            await self._pool.close()


def _retrieve(future: asyncio.Future[None]) -> None:
    """Mark a background task's outcome as seen (a failed pool check is retried by the next read)."""
    if not future.cancelled():
        future.exception()


def create_select_runner(
    url: str, engine: AsyncEngine, *, pool_size: int = 10, statement_timeout_ms: int = 5000
) -> SelectRunner:
    """The read side's runner for a database URL: a raw psycopg pool on PostgreSQL, the engine
    otherwise."""
    parsed = make_url(url)
    if (parsed.get_backend_name(), parsed.get_driver_name()) == ("postgresql", "psycopg"):
        return PostgresSelectRunner(
            url, engine, pool_size=pool_size, statement_timeout_ms=statement_timeout_ms
        )
    return EngineSelectRunner(engine)
