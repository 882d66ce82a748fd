"""Alembic environment: async engines (postgresql+psycopg, sqlite+aiosqlite), Core metadata.

The database URL comes from, in order: `Config.attributes["database_url"]` (set by
`adapters.sqlalchemy.migrate.alembic_config`), the `CLIPSTREAM_DATABASE_URL` environment variable,
`sqlalchemy.url` in the ini file, and finally the service's default SQLite file.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import event, pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from adapters.sqlalchemy.engine import ensure_sqlite_directory
from adapters.sqlalchemy.migrate import (
    DATABASE_URL_ATTRIBUTE,
    compare_type_with_collation,
    include_name,
)
from adapters.sqlalchemy.tables import metadata
from adapters.sqlalchemy.types import UtcDateTime

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/clipstream.db"

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = metadata


def _database_url() -> str:
    url = (
        config.attributes.get(DATABASE_URL_ATTRIBUTE)
        or os.environ.get("CLIPSTREAM_DATABASE_URL", "").strip()
    )
    return url or config.get_main_option("sqlalchemy.url") or DEFAULT_DATABASE_URL


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _render_item(kind: str, obj: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    # Revisions spell out plain SQLAlchemy types, so they never depend on application code.
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(database_url: str, **options: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=compare_type_with_collation,
        compare_server_default=True,
        include_name=include_name,
        render_as_batch=_is_sqlite(database_url),
        render_item=_render_item,
        **options,
    )


def run_migrations_offline() -> None:
    """Emit the SQL to stdout instead of running it (`alembic upgrade head --sql`)."""
    url = _database_url()
    _configure(url, url=url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def _do_run_migrations(connection: Connection, url: str) -> None:
    # SQLite: the driver's own transaction handling is off and `_sqlite_begin` emits BEGIN, so
    # DDL is transactional (a failed migration leaves nothing half-done). Foreign keys stay off
    # here, as batch operations copy and drop tables, which would otherwise cascade deletes.
    _configure(url, connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Migrate through an async engine on a single connection."""
    url = _database_url()
    ensure_sqlite_directory(url)
    engine = create_async_engine(url, poolclass=pool.NullPool)
    if _is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_no_driver_transactions)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_do_run_migrations, url)
    finally:
        await engine.dispose()


def _sqlite_no_driver_transactions(
    dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_async_migrations())
