"""Bulk writing of rows, far faster than one INSERT per row (the bulk loader, seeding).

PostgreSQL: binary `COPY ... FROM STDIN` in batches through the connection's psycopg driver
connection; on request a table's indexes and foreign keys are set aside (dropped) for a load and
rebuilt after it, in the same transaction. SQLite: `INSERT` executemany in batches. Either way the
rows go in within the connection's transaction: all of them or none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from psycopg import AsyncConnection as PsycopgConnection
from psycopg import AsyncCursor, sql
from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.types import UtcDateTime

BATCH_ROWS = 20_000  # rows per COPY statement (PostgreSQL)
SQLITE_BATCH_ROWS = 5000
# PostgreSQL's memory per index build while rebuilding what a load set aside (its default, 64 MB,
# makes a build of millions of rows spill to disk).
INDEX_BUILD_MEMORY = "256MB"

_Processor = Callable[[Any], Any]


async def bulk_insert(
    engine: AsyncEngine,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    rebuild_indexes: bool = False,
) -> int:
    """Insert `rows` (values in the order of `columns`) into `table` in a transaction of its own.

    See `insert_rows`; returns how many rows went in.
    """
    async with engine.begin() as connection:
        return await insert_rows(connection, table, columns, rows, rebuild_indexes=rebuild_indexes)


async def insert_rows(
    connection: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    rebuild_indexes: bool = False,
) -> int:
    """Insert `rows` (values in the order of `columns`) into `table`, in the connection's
    transaction; returns how many rows went in.

    Values are the Python values the repositories pass (UUIDs, timezone-aware datetimes...), and are
    stored exactly as those store them: they go through the columns' SQLAlchemy types (a naive
    datetime is refused). `rows` may be a generator: it is consumed as the rows are sent.
    Constraints hold as usual: a violation fails the whole statement.

    PostgreSQL only: the rest of the transaction runs without a statement timeout (a load is long
    by nature). With `rebuild_indexes`, the table's indexes, its foreign keys and the primary and
    unique keys no other table's foreign key depends on are dropped before the load and re-created
    from their catalog definitions after it (checking every row), which is several times faster
    for a large load; the table is locked exclusively until the transaction ends.

    Raises:
        ValueError: a column is not in the table, or a row has the wrong number of values.
    """
    writer = RowWriter(connection)
    if rebuild_indexes:
        await writer.set_aside(table)
    count = await writer.write(table, columns, rows)
    await writer.restore()
    return count


class RowWriter:
    """Writes rows into tables on one connection, within its transaction (see `insert_rows`)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self._postgres = connection.dialect.name == "postgresql"
        self._cursor: AsyncCursor[Any] | None = None
        self._copies: dict[tuple[str, tuple[str, ...]], _CopyInto] = {}
        self._aside = _SetAside()

    async def write(
        self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> int:
        """Write every row of `rows`, a batch at a time; returns how many went in."""
        _checked(table, columns)
        size = BATCH_ROWS if self._postgres else SQLITE_BATCH_ROWS
        iterator = iter(rows)
        count = 0
        while batch := list(islice(iterator, size)):
            await self.write_batch(table, columns, batch, first=count)
            count += len(batch)
        return count

    async def write_batch(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        first: int = 0,
    ) -> None:
        """Write `rows` in one statement (`first`: the number of the first row, for errors)."""
        if not rows:
            return
        if self._postgres:
            copy = await self._copy_into(table, columns)
            await copy.write(await self._driver_cursor(), rows, first)
        else:
            await _insert_batch(self._connection, table, _checked(table, columns), rows, first)

    async def set_aside(self, table: Table) -> None:
        """PostgreSQL: drop what slows a load into `table` (its indexes, its foreign keys, and its
        primary and unique keys that no other table's foreign key needs), for `restore` to
        rebuild. SQLite: nothing (its loads are small)."""
        if self._postgres:
            await _drop_indexes(await self._driver_cursor(), table, self._aside)

    async def restore(self) -> None:
        """Rebuild what `set_aside` dropped, from its catalog definitions: keys, then indexes, then
        foreign keys (checking every row)."""
        statements = self._aside.statements()
        self._aside = _SetAside()
        if statements:
            cursor = await self._driver_cursor()
            await cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
            for statement in statements:
                await cursor.execute(statement)

    async def analyze(self, tables: Sequence[Table]) -> None:
        """PostgreSQL: fresh planner statistics of `tables` (counting the rows of this
        transaction), so that the first queries after a load get good plans."""
        if self._postgres and tables:
            names = sql.SQL(", ").join(_qualified(table) for table in tables)
            await (await self._driver_cursor()).execute(sql.SQL("ANALYZE {}").format(names))

    async def _driver_cursor(self) -> AsyncCursor[Any]:
        if self._cursor is None:
            raw = await self._connection.get_raw_connection()
            driver: PsycopgConnection[Any] = raw.driver_connection  # type: ignore[assignment]
            self._cursor = driver.cursor()
            await self._cursor.execute("SET LOCAL statement_timeout = 0")
        return self._cursor

    async def _copy_into(self, table: Table, columns: Sequence[str]) -> _CopyInto:
        key = (table.name, tuple(columns))
        copy = self._copies.get(key)
        if copy is None:
            checked = _checked(table, columns)
            type_oids = await _type_oids(await self._driver_cursor(), table)
            copy = _CopyInto(
                statement=sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
                    _qualified(table), sql.SQL(", ").join(map(sql.Identifier, checked))
                ),
                types=[type_oids[name] for name in checked],
                processors=_processors(table, checked, self._connection.dialect),
            )
            self._copies[key] = copy
        return copy


@dataclass(frozen=True, slots=True)
class _CopyInto:
    statement: sql.Composed
    types: list[int]
    processors: list[tuple[int, _Processor]]

    async def write(
        self, cursor: AsyncCursor[Any], rows: Sequence[Sequence[Any]], first: int
    ) -> None:
        width = len(self.types)
        processors = self.processors
        async with cursor.copy(self.statement) as copy:
            copy.set_types(self.types)
            for number, row in enumerate(rows, first):
                if len(row) != width:
                    raise ValueError(f"row {number} has {len(row)} values, expected {width}")
                if processors:
                    values = list(row)
                    for index, process in processors:
                        values[index] = process(values[index])
                    await copy.write_row(values)
                else:
                    await copy.write_row(row)


def _checked(table: Table, columns: Sequence[str]) -> tuple[str, ...]:
    unknown = [name for name in columns if name not in table.c]
    if unknown or not columns:
        raise ValueError(f"unknown or missing columns for {table.name}: {unknown or columns}")
    return tuple(columns)


async def _insert_batch(
    connection: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    first: int,
) -> None:
    width = len(columns)
    parameters = []
    for number, row in enumerate(rows, first):
        if len(row) != width:
            raise ValueError(f"row {number} has {len(row)} values, expected {width}")
        parameters.append(dict(zip(columns, row, strict=True)))
    try:
        await connection.execute(insert(table), parameters)
    except StatementError as error:  # a value its column type refused, as on PostgreSQL
        if isinstance(error.orig, ValueError):
            raise error.orig from error
        raise


def _processors(
    table: Table, columns: Sequence[str], dialect: Dialect
) -> list[tuple[int, _Processor]]:
    """The bind processors of the columns that have one (e.g. `UtcDateTime`'s UTC check)."""
    found: list[tuple[int, _Processor]] = []
    for index, name in enumerate(columns):
        column_type = table.c[name].type
        process: _Processor | None = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            if isinstance(column_type, UtcDateTime):
                process = _utc_fast_path(process)
            found.append((index, process))
    return found


def _utc_fast_path(process: _Processor) -> _Processor:
    """`UtcDateTime`'s processor, skipped for a value already in UTC (what it would give back)."""

    def fast(value: Any) -> Any:
        if value.__class__ is datetime and value.tzinfo is UTC:
            return value
        return process(value)

    return fast


def _qualified(table: Table) -> sql.Identifier:
    return sql.Identifier(table.schema, table.name) if table.schema else sql.Identifier(table.name)


async def _relation_oid(cursor: AsyncCursor[Any], table: Table) -> int:
    await cursor.execute(
        "SELECT %s::regclass::oid", [_qualified(table).as_string(cursor.connection)]
    )
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def _type_oids(cursor: AsyncCursor[Any], table: Table) -> dict[str, int]:
    """The PostgreSQL type of each column, as the database has it (for binary COPY)."""
    await cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute"
        " WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped",
        [await _relation_oid(cursor, table)],
    )
    return {str(name): int(oid) for name, oid in await cursor.fetchall()}


@dataclass(frozen=True, slots=True)
class _Constraint:
    name: str
    kind: str  # f(oreign key), p(rimary key), u(nique)
    definition: str
    referenced_elsewhere: bool


@dataclass(slots=True)
class _SetAside:
    """What loads dropped, as the statements that re-create it."""

    keys: list[sql.Composed] = field(default_factory=list)
    indexes: list[sql.SQL] = field(default_factory=list)
    foreign_keys: list[sql.Composed] = field(default_factory=list)

    def statements(self) -> list[sql.Composed | sql.SQL]:
        return [*self.keys, *self.indexes, *self.foreign_keys]


async def _drop_indexes(cursor: AsyncCursor[Any], table: Table, aside: _SetAside) -> None:
    """Drop what slows a load into `table`, adding the statements that re-create it to `aside`."""
    oid = await _relation_oid(cursor, table)
    await cursor.execute(
        "SELECT c.conname, c.contype, pg_get_constraintdef(c.oid),"
        " EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' AND r.confrelid = c.conrelid"
        "   AND r.conrelid <> c.conrelid AND r.conindid = c.conindid)"
        " FROM pg_constraint c WHERE c.conrelid = %s AND c.contype IN ('f', 'p', 'u')"
        " ORDER BY c.conname",
        [oid],
    )
    constraints = [
        _Constraint(str(n), str(k), str(d), bool(e)) for n, k, d, e in await cursor.fetchall()
    ]
    await cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = %s AND NOT EXISTS"
        "  (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)"
        " ORDER BY 1",
        [oid],
    )
    indexes = [(str(name), str(definition)) for name, definition in await cursor.fetchall()]

    foreign = [c for c in constraints if c.kind == "f"]
    keys = [c for c in constraints if c.kind != "f" and not c.referenced_elsewhere]
    for constraint in (*foreign, *keys):
        await cursor.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
                _qualified(table), sql.Identifier(constraint.name)
            )
        )
    for name, _ in indexes:
        # regclass text is already quoted (and schema-qualified where needed)
        await cursor.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))

    def add(constraint: _Constraint) -> sql.Composed:
        return sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            _qualified(table), sql.Identifier(constraint.name), sql.SQL(constraint.definition)
        )

    aside.keys.extend(add(constraint) for constraint in keys)
    aside.indexes.extend(sql.SQL(definition) for _, definition in indexes)
    aside.foreign_keys.extend(add(constraint) for constraint in foreign)
