"""Bulk loading of rows, far faster than one INSERT per row (seeding, imports).

PostgreSQL: binary `COPY ... FROM STDIN` through the connection's psycopg driver connection, and on
request the table's indexes and foreign keys are dropped for the load and rebuilt after it, in the
same transaction. SQLite: `INSERT` executemany in batches. Either way the rows go in within one
transaction: all of them or none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from psycopg import AsyncConnection as PsycopgConnection
from psycopg import AsyncCursor, sql
from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

SQLITE_BATCH_ROWS = 5000

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

    PostgreSQL only: the rest of the transaction runs without a statement timeout (a load is one
    long statement by nature). With `rebuild_indexes`, the table's indexes, its foreign keys and
    the primary and unique keys no other table's foreign key depends on are dropped before the load
    and re-created from their catalog definitions after it (checking every row), which is several
    times faster for a large load; the table is locked exclusively until the transaction ends.

    Raises:
        ValueError: a column is not in the table, or a row has the wrong number of values.
    """
    unknown = [name for name in columns if name not in table.c]
    if unknown or not columns:
        raise ValueError(f"unknown or missing columns for {table.name}: {unknown or columns}")
    if connection.dialect.name == "postgresql":
        raw = await connection.get_raw_connection()
        driver: PsycopgConnection[Any] = raw.driver_connection  # type: ignore[assignment]
        async with driver.cursor() as cursor:
            await cursor.execute("SET LOCAL statement_timeout = 0")
            rebuild = await _drop_indexes(cursor, table) if rebuild_indexes else []
            count = await _copy(cursor, table, columns, rows, connection.dialect)
            for statement in rebuild:
                await cursor.execute(statement)
        return count
    return await _insert_batches(connection, table, columns, rows)


async def _copy(
    cursor: AsyncCursor[Any],
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    dialect: Dialect,
) -> int:
    type_oids = await _type_oids(cursor, table)
    processors = _processors(table, columns, dialect)
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        _qualified(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    width = len(columns)
    count = 0
    async with cursor.copy(statement) as copy:
        copy.set_types([type_oids[name] for name in columns])
        for row in rows:
            if len(row) != width:
                raise ValueError(f"row {count} has {len(row)} values, expected {width}")
            if processors:
                values = list(row)
                for index, process in processors:
                    values[index] = process(values[index])
                await copy.write_row(values)
            else:
                await copy.write_row(row)
            count += 1
    return count


async def _insert_batches(
    connection: AsyncConnection,
    table: Table,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    statement = insert(table)
    width = len(columns)
    count = 0
    iterator = iter(rows)
    while batch := list(islice(iterator, SQLITE_BATCH_ROWS)):
        parameters = []
        for row in batch:
            if len(row) != width:
                raise ValueError(f"row {count} has {len(row)} values, expected {width}")
            parameters.append(dict(zip(columns, row, strict=True)))
            count += 1
        try:
            await connection.execute(statement, parameters)
        except StatementError as error:  # a value its column type refused, as on PostgreSQL
            if isinstance(error.orig, ValueError):
                raise error.orig from error
            raise
    return count


def _processors(
    table: Table, columns: Sequence[str], dialect: Dialect
) -> list[tuple[int, _Processor]]:
    """The bind processors of the columns that have one (e.g. `UtcDateTime`'s UTC check)."""
    found: list[tuple[int, _Processor]] = []
    for index, name in enumerate(columns):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            found.append((index, process))
    return found


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


async def _drop_indexes(cursor: AsyncCursor[Any], table: Table) -> list[sql.Composed | sql.SQL]:
    """Drop what slows a load into `table`; returns the statements that re-create it, in order."""
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

    return [
        *(add(constraint) for constraint in keys),
        *(sql.SQL(definition) for _, definition in indexes),
        *(add(constraint) for constraint in foreign),
    ]
