"""Run the Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column
from sqlalchemy.types import TypeEngine

from adapters.jobs.procrastinate_schema import is_procrastinate_object
from adapters.sqlalchemy.engine import ensure_sqlite_directory


def _migrations_dir() -> Path:
    """The Alembic folder: shipped inside this package by a wheel (`force-include` in
    pyproject.toml), else the repository's top-level `migrations/` (a checkout, editable or not)."""
    here = Path(__file__).resolve()
    packaged = here.parent / "migrations"
    return packaged if packaged.is_dir() else here.parents[3] / "migrations"


MIGRATIONS_DIR = _migrations_dir()

DATABASE_URL_ATTRIBUTE = "database_url"
"""Key of `Config.attributes` that `migrations/env.py` reads the database URL from first."""


def alembic_config(database_url: str) -> Config:
    """An Alembic `Config` for the migrations folder (`MIGRATIONS_DIR`) and this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # ConfigParser interpolates `%`: URL-encoded passwords must be doubled.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes[DATABASE_URL_ATTRIBUTE] = database_url
    return config


def compare_type_with_collation(
    context: MigrationContext,
    inspected_column: Column[Any],
    metadata_column: Column[Any],
    inspected_type: TypeEngine[Any],
    metadata_type: TypeEngine[Any],
) -> bool | None:
    """Alembic `compare_type` hook: a changed collation is a difference (Alembic ignores them).

    Returns None otherwise, so that Alembic's own type comparison still runs.
    """
    expected = getattr(metadata_type.dialect_impl(context.dialect), "collation", None)
    actual = getattr(inspected_type, "collation", None)
    return True if expected != actual else None


SEARCH_OBJECTS = frozenset(
    {
        ("column", "search_vector"),  # PostgreSQL: the stored tsvector of a video's caption
        ("index", "ix_videos_search_vector"),
        ("index", "ix_users_username_trgm"),
        ("index", "ix_users_display_name_trgm"),
    }
)
"""The objects of search (revision c5d1e8f2a4b7) that `tables.py` cannot spell: a generated tsvector
column, GIN indexes with operator classes (PostgreSQL), FTS5 tables `video_search*` (SQLite). Their
use is checked by the search contract suite and its EXPLAIN tests."""


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic `include_name` hook: procrastinate's tables are its own (created from its schema
    SQL by a revision), and so are the search objects (`SEARCH_OBJECTS`): not part of `tables.py`,
    so autogenerate leaves them alone."""
    if type_ == "table" and name is not None and name.startswith("video_search"):
        return False
    if (type_, name) in SEARCH_OBJECTS:
        return False
    return not (type_ == "table" and is_procrastinate_object(name))


def upgrade_to_head(database_url: str) -> None:
    """Migrate the database to the newest revision (creating an SQLite file's directory first).

    Blocks until done. Alembic's environment runs its own event loop; when called while an event
    loop is running in this thread (an async lifespan), the migration runs in a helper thread.
    """
    ensure_sqlite_directory(database_url)
    config = alembic_config(database_url)
    _outside_event_loop(lambda: command.upgrade(config, "head"))


def _outside_event_loop(work: Callable[[], None]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        work()
        return
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    thread = threading.Thread(target=run, name="alembic-upgrade")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
