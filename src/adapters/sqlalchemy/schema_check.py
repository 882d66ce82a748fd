"""Whether a database can serve this release: it answers, exists and is at our newest revision.

Each mistake an operator makes with the database becomes one sentence naming the fix
(`DatabaseNotUsable`), for the commands (which print it and exit) and for the readiness check
(which reports it). A database at a revision this release does not know was migrated by a newer
release (a rolling deployment, or a rollback of the code): that is served, with a warning.
"""

from __future__ import annotations

import asyncio
import functools
import re
from dataclasses import dataclass

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.engine import create_engine
from application.ports.dependency_probe import DependencyNotReady

MIGRATE = "run `clipstream migrate`"


class DatabaseNotUsable(DependencyNotReady):
    """The database answers (or not) in a way this release cannot work with; `str()` says why and
    what to do, in one line."""


@dataclass(frozen=True, slots=True)
class SchemaRevisions:
    """The revisions this release ships: the newest (`head`) and every one it knows."""

    head: str
    known: frozenset[str]


@functools.cache
def schema_revisions() -> SchemaRevisions:
    """The revisions of the migrations folder (read once per process)."""
    from adapters.sqlalchemy.migrate import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    if head is None:  # pragma: no cover - the repository always has revisions
        raise RuntimeError("the migrations folder has no revision")
    return SchemaRevisions(head, frozenset(r.revision for r in script.walk_revisions()))


def where(database_url: str) -> str:
    """The database's URL without its password (for messages and logs)."""
    return make_url(database_url).render_as_string(hide_password=True)


_DATABASE_MISSING = re.compile(r'database "([^"]+)" does not exist')


def describe_connection_error(error: BaseException, database_url: str) -> str:
    """One line saying why the database could not be reached, and what to fix."""
    message = str(getattr(error, "orig", None) or error)
    if missing := _DATABASE_MISSING.search(message):
        name = missing.group(1)
        return (
            f"database {name} does not exist: create it (`createdb {name}`) or fix "
            "CLIPSTREAM_DATABASE_URL"
        )
    # psycopg: 'connection failed: connection to server at "h", port 5432 failed: FATAL:  why'.
    reason = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    reason = re.sub(r"^\(\S+\) ", "", reason)
    reason = reason.rsplit(" failed: ", 1)[-1].replace("FATAL:  ", "").strip()
    return (
        f"cannot use the database at {where(database_url)}: {reason}: fix CLIPSTREAM_DATABASE_URL"
    )


def revision_problem(current: str | None, revisions: SchemaRevisions) -> str | None:
    """What is wrong with a database at revision `current` (None: nothing to refuse)."""
    if current == revisions.head or (current is not None and current not in revisions.known):
        return None
    at = current or "none (never migrated)"
    return f"the database is at revision {at}, this release needs {revisions.head}: {MIGRATE}"


async def current_revision(connection: AsyncConnection) -> str | None:
    """The database's Alembic revision (None when it was never migrated).

    On PostgreSQL a missing table aborts the connection's transaction: use a connection of its own.
    """
    try:
        result = await connection.execute(text("SELECT version_num FROM alembic_version"))
    except DBAPIError as error:
        if _is_missing_table(error):
            return None
        raise
    return result.scalar_one_or_none()


def _is_missing_table(error: DBAPIError) -> bool:
    message = str(error.orig).lower()
    return "alembic_version" in message and (
        "does not exist" in message or "no such table" in message
    )


async def _revision_of(database_url: str) -> str | None:
    try:
        engine = create_engine(database_url, pool_size=1)
    except OSError as error:  # SQLite: a folder that cannot be created
        raise DatabaseNotUsable(describe_connection_error(error, database_url)) from error
    try:
        async with engine.connect() as connection:
            return await current_revision(connection)
    except (SQLAlchemyError, OSError) as error:
        raise DatabaseNotUsable(describe_connection_error(error, database_url)) from error
    finally:
        await engine.dispose()


def database_revision(database_url: str) -> str | None:
    """The database's revision (None: never migrated); `DatabaseNotUsable` when it cannot be
    reached. For code that runs no event loop (the commands)."""
    return asyncio.run(_revision_of(database_url))


def check_database(database_url: str) -> str | None:
    """Raise `DatabaseNotUsable` when this release cannot serve from the database.

    Returns a warning for a revision this release does not know (a newer release migrated it),
    else None. For code that runs no event loop (the commands).
    """
    current = database_revision(database_url)
    revisions = schema_revisions()
    if problem := revision_problem(current, revisions):
        raise DatabaseNotUsable(problem)
    if current != revisions.head:
        return (
            f"the database is at revision {current}, which this release does not know (a newer "
            f"release migrated it; this one expects {revisions.head})"
        )
    return None
