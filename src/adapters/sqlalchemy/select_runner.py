"""How the read side runs its statements: one SELECT per call, outside any transaction.

Each read's statement is built once per shape, with named parameters (`read_statements`), and run
by a `SelectRunner`: `EngineSelectRunner` on the SQLAlchemy engine (SQLite, and wherever a raw pool
is not wanted), `adapters.postgres.read_pool.PostgresSelectRunner` on a psycopg pool of its own
(PostgreSQL). Both translate an outage into `DependencyUnavailable("database")`.

Not a port of the application: statements are SQLAlchemy's, so this is an interface between the
SQL adapters and their drivers (hence not a `...Reader` or `...Queries` name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.errors import database_errors


class SelectRunner(Protocol):
    """Runs one SELECT and returns its rows (attribute and `_mapping` access by column label)."""

    async def rows(self, query: Select[Any], params: Mapping[str, Any]) -> list[Any]:
        """The rows of `query`, a statement built once with named `bindparam`s, for `params`."""
        ...

    async def close(self) -> None:
        """Release what the runner holds of its own (connections)."""
        ...


class EngineSelectRunner(SelectRunner):
    """Runs each SELECT on a connection of the SQLAlchemy engine."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def rows(self, query: Select[Any], params: Mapping[str, Any]) -> list[Any]:
        with database_errors():
            async with self._engine.connect() as connection:
                if connection.dialect.name == "postgresql":
                    # One statement needs no explicit transaction: skip BEGIN and ROLLBACK.
                    await connection.execution_options(isolation_level="AUTOCOMMIT")
                return list(await connection.execute(query, dict(params)))

    async def close(self) -> None:
        """Nothing to do: the engine is disposed of with the rest of the adapters."""
