"""Migrations: every revision upgrades and downgrades cleanly, and head matches the tables module."""

from __future__ import annotations

import ast
import math
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url

from adapters.sqlalchemy.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    compare_type_with_collation,
    include_name,
    upgrade_to_head,
)
from adapters.sqlalchemy.tables import metadata


def _sync_engine(url: str) -> Engine:
    """A synchronous engine on the same database (pysqlite for SQLite, psycopg for PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        parsed = parsed.set(drivername="sqlite")
    return sa.create_engine(parsed, poolclass=sa.pool.NullPool)


def _differences(url: str, target: sa.MetaData = metadata) -> list[Any]:
    engine = _sync_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": compare_type_with_collation,
                    "compare_server_default": True,
                    "include_name": include_name,
                },
            )
            return list(compare_metadata(context, target))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    """Our tables (procrastinate's own, on PostgreSQL, are checked apart)."""
    engine = _sync_engine(url)
    try:
        return {
            name for name in sa.inspect(engine).get_table_names() if include_name(name, "table", {})
        }
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each SQL dialect."""
    name = "sqlite_file_url" if request.param == "sqlite" else "empty_postgres_url"
    url: str = request.getfixturevalue(name)
    return url


def test_stairway_every_revision_upgrades_downgrades_and_upgrades_again(
    empty_database_url: str,
) -> None:
    config = alembic_config(empty_database_url)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    assert revisions, "no migrations found"

    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, "-1")
        command.upgrade(config, revision.revision)

    assert _tables(empty_database_url) == {"alembic_version", *metadata.tables}
    command.downgrade(config, "base")
    assert _tables(empty_database_url) == {"alembic_version"}


def test_models_and_migrations_agree(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)

    assert _differences(empty_database_url) == []


def test_the_comparison_notices_a_schema_drift(empty_database_url: str) -> None:
    """Guards the test above: a model change that no revision made must show up."""
    upgrade_to_head(empty_database_url)
    drifted = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    users = drifted.tables["users"]
    users.c.bio.type = sa.String(1000)
    users.c.like_count.server_default = None
    sa.Index("ix_users_created_at", users.c.created_at)

    kinds = {_kind(difference) for difference in _differences(empty_database_url, drifted)}
    assert kinds == {"modify_type", "modify_default", "add_index"}


@pytest.mark.postgres
def test_postgres_username_collation_is_checked(empty_postgres_url: str) -> None:
    upgrade_to_head(empty_postgres_url)
    drifted = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["users"].c.username.type = sa.String(30)

    differences = _differences(empty_postgres_url, drifted)
    assert [(_kind(d), d[0][3]) for d in differences] == [("modify_type", "username")]


def test_upgrade_to_head_creates_the_sqlite_directory_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "var" / "data" / "clipstream.db"
    url = f"sqlite+aiosqlite:///{path}"

    upgrade_to_head(url)
    upgrade_to_head(url)

    assert path.exists()
    assert _tables(url) == {"alembic_version", *metadata.tables}


async def test_upgrade_to_head_works_inside_a_running_event_loop(sqlite_file_url: str) -> None:
    upgrade_to_head(sqlite_file_url)  # e.g. from an application's async lifespan

    assert _tables(sqlite_file_url) == {"alembic_version", *metadata.tables}


def test_the_rank_revision_ranks_every_published_video_as_the_formula_of_its_day(
    empty_database_url: str,
) -> None:
    config = alembic_config(empty_database_url)
    command.upgrade(config, "d492bce70bad")  # the revision before the rank
    published = datetime(2026, 11, 20, 10, 30, 15, 123456, tzinfo=UTC)
    owner, ranked, unpublished = uuid4(), uuid4(), uuid4()
    engine = _sync_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO users (id, username, email, password_hash, created_at,"
                    " updated_at) VALUES (:id, 'ana', 'ana@example.com', 'x', :at, :at)"
                ).bindparams(sa.bindparam("id", type_=sa.Uuid()), _at(published)),
                {"id": owner},
            )
            for video, points, when in ((ranked, 7, published), (unpublished, 3, None)):
                connection.execute(
                    sa.text(
                        "INSERT INTO videos (id, owner_id, caption, visibility, status,"
                        " content_type, size_bytes, storage_key, created_at, updated_at,"
                        " published_at, engagement_points) VALUES (:id, :owner, '', 'public',"
                        " 'ready', 'video/mp4', 1, :key, :at, :at, :published, :points)"
                    ).bindparams(
                        sa.bindparam("id", type_=sa.Uuid()),
                        sa.bindparam("owner", type_=sa.Uuid()),
                        _at(published),
                        sa.bindparam("published", type_=sa.DateTime(timezone=True)),
                    ),
                    {
                        "id": video,
                        "owner": owner,
                        "key": str(video),
                        "published": when,
                        "points": points,
                    },
                )

        command.upgrade(config, "1c26ab5fc242")

        with engine.connect() as connection:
            query = sa.text("SELECT id, rank FROM videos").columns(id=sa.Uuid(), rank=sa.Double())
            ranks = {row.id: row.rank for row in connection.execute(query)}
    finally:
        engine.dispose()
    # The formula as of that revision: ln(1 + points) + epoch seconds * ln(2) / 12 hours.
    assert ranks == {
        ranked: math.log(1 + 7) + published.timestamp() * math.log(2.0) / (12.0 * 3600.0),
        unpublished: None,
    }


def test_no_revision_imports_live_code() -> None:
    """A revision runs as it was written, whatever the application becomes: it may import the
    standard library, SQLAlchemy and Alembic only."""
    allowed = {"__future__", "alembic", "sqlalchemy", *sys.stdlib_module_names}
    revisions = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
    assert revisions
    for revision in revisions:
        for node in ast.walk(ast.parse(revision.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in allowed, f"{revision.name} imports {module}"


def _at(when: datetime) -> sa.BindParameter[Any]:
    return sa.bindparam("at", value=when, type_=sa.DateTime(timezone=True))


def _kind(difference: Any) -> str:
    """The operation name of one `compare_metadata` entry (column changes come in a list)."""
    first = difference[0] if isinstance(difference, list) else difference
    return str(first[0])
