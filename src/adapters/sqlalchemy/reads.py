"""The read side's data path: one SELECT per call, outside any transaction.

The statements are built with SQLAlchemy Core (the schema's source of truth) and run by a `Reader`:

- `EngineReader` runs them on the SQLAlchemy engine (SQLite, and anywhere a raw pool is not wanted);
- `PostgresReader` runs them on a psycopg pool of autocommit connections of its own: each
  statement shape is compiled once (keyed by SQLAlchemy's cache key) and then executed as a server
  prepared statement, with no BEGIN/ROLLBACK, no pre-ping and no SQLAlchemy execution context per
  call. Measured on the For You page, this path halves the time a request spends in the database
  layer (see bench/RESULTS.md).

Both translate an outage into `DependencyUnavailable("database")`. A read is idempotent, so the
PostgreSQL reader retries once, on a new connection, a read whose connection turned out to be dead
(a database restart leaves every idle connection of the pool dead): requests after an outage
succeed without waiting for each stale connection to fail once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy import Select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeDecorator

from adapters.sqlalchemy.engine import CONNECT_TIMEOUT_SECONDS, POOL_TIMEOUT_SECONDS
from adapters.sqlalchemy.errors import database_errors
from application.errors import DependencyUnavailable

logger = logging.getLogger(__name__)

_COMPILED_SHAPES = 512  # distinct statement shapes kept compiled (a few dozen exist)


class Reader(Protocol):
    """Runs one SELECT and returns its rows (attribute and `_mapping` access by column label)."""

    async def rows(self, query: Select[Any], params: Mapping[str, Any] | None = None) -> list[Any]:
        """`params`: the values of a statement built once with named `bindparam`s (a hot path
        then skips building and keying a statement per call); None: the statement's own values."""
        ...

    async def close(self) -> None: ...


class EngineReader:
    """Runs each SELECT on a connection of the SQLAlchemy engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def rows(self, query: Select[Any], params: Mapping[str, Any] | None = None) -> list[Any]:
        with database_errors():
            async with self._engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    # One statement needs no explicit transaction: skip BEGIN and ROLLBACK.
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                return list(await connection.execute(query, dict(params or {})))

    async def close(self) -> None:
        """Nothing to do: the engine is disposed of with the rest of the adapters."""


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


class _Compiled:
    """A statement shape compiled for psycopg: its SQL, bind processing and result processing."""

    __slots__ = ("cached", "compiled", "result_processors", "sql")

    def __init__(self, compiled: SQLCompiler, *, cached: bool = True) -> None:
        self.compiled = compiled
        self.cached = cached  # compiled for every statement of its shape (else: for one call)
        self.sql = compiled.string
        dialect = compiled.dialect
        processors: list[tuple[str, Callable[[Any], Any]]] = []
        for column in compiled._result_columns:
            column_type = column.type
            if isinstance(column_type, TypeDecorator):
                processors.append((column.keyname, _result_processor(column_type, dialect)))
        self.result_processors = tuple(processors)

    def parameters(self, extracted: Any, given: Mapping[str, Any] | None = None) -> dict[str, Any]:
        params = self.compiled.construct_params(
            params=given, extracted_parameters=extracted, escape_names=False, _check=False
        )
        for name, process in self.compiled._bind_processors.items():
            if name in params and callable(process):
                params[name] = process(params[name])
        return dict(params)


def _result_processor(column_type: TypeDecorator[Any], dialect: Any) -> Callable[[Any], Any]:
    def process(value: Any) -> Any:
        return column_type.process_result_value(value, dialect)

    return process


class PostgresReader:
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
        reader = self

        class _Connection(psycopg.AsyncConnection[Any]):
            @classmethod
            async def connect(cls, *args: Any, **kwargs: Any) -> Any:
                try:
                    connection = await super().connect(*args, **kwargs)
                except psycopg.Error:
                    reader._down = True
                    raise
                reader._down = False
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
        self._shapes: OrderedDict[Any, _Compiled] = OrderedDict()
        self._uncacheable: set[Any] = set()
        # Statements built once (module-level, a few dozen): kept with their compiled form.
        self._built: dict[int, tuple[Select[Any], _Compiled]] = {}

    async def rows(self, query: Select[Any], given: Mapping[str, Any] | None = None) -> list[Any]:
        if given is not None:  # a statement built once: compiled once, by identity
            built = self._built.get(id(query))
            if built is None or built[0] is not query:
                compiled = self._dialect.statement_compiler(self._dialect, query)
                built = self._built[id(query)] = (query, _Compiled(compiled, cached=False))
            shape = built[1]
            params = shape.parameters(None, given)
        else:
            cache_key = query._generate_cache_key()
            shape = self._shape(query, cache_key)
            params = shape.parameters(cache_key.bindparams if shape.cached and cache_key else None)
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

    async def _fetch_directly(self, shape: _Compiled, params: dict[str, Any]) -> list[Any]:
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

    async def _fetch(self, shape: _Compiled, params: dict[str, Any]) -> list[Any]:
        async with self._pool.connection() as connection:
            return await self._run(connection, shape, params)

    async def _run(
        self, connection: psycopg.AsyncConnection[Any], shape: _Compiled, params: dict[str, Any]
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

    def _shape(self, query: Select[Any], cache_key: Any) -> _Compiled:
        key = cache_key.key if cache_key is not None else None
        if key is not None and key in self._uncacheable:
            key = None
        shape = self._shapes.get(key) if key is not None else None
        if shape is None:
            # As `Connection.execute` compiles: with the cache key, so that the parameters of a
            # later statement of the same shape can be extracted from that statement's own key.
            compiled = self._dialect.statement_compiler(self._dialect, query, cache_key=cache_key)
            if compiled.has_out_parameters or "__[POSTCOMPILE_" in compiled.string:
                # An expanding IN (a list whose length varies): rendered for this call's values.
                if key is not None:
                    self._uncacheable.add(key)
                compiled = self._dialect.statement_compiler(
                    self._dialect, query, compile_kwargs={"render_postcompile": True}
                )
                return _Compiled(compiled, cached=False)
            shape = _Compiled(compiled)
            if key is not None:
                self._shapes[key] = shape
                if len(self._shapes) > _COMPILED_SHAPES:
                    self._shapes.popitem(last=False)
        return shape

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


def create_reader(
    url: str, engine: AsyncEngine, *, pool_size: int = 10, statement_timeout_ms: int = 5000
) -> Reader:
    """The reader for a database URL: a raw psycopg pool on PostgreSQL, the engine otherwise."""
    parsed = make_url(url)
    if (parsed.get_backend_name(), parsed.get_driver_name()) == ("postgresql", "psycopg"):
        return PostgresReader(
            url, engine, pool_size=pool_size, statement_timeout_ms=statement_timeout_ms
        )
    return EngineReader(engine)
