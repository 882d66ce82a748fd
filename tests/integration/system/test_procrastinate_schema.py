"""procrastinate's schema through our Alembic revisions: created from the installed package's
`schema.sql`, upgraded with its migration files by a later revision, removed by the downgrade."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command

from adapters.jobs import procrastinate_schema
from adapters.sqlalchemy.migrate import alembic_config, upgrade_to_head

pytestmark = pytest.mark.postgres

JOBS_REVISION = "5e7a9c1d2b4f"
CATALOG = {
    "functions": "SELECT p.oid::regprocedure::text FROM pg_proc p"
    " JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname = 'public' AND p.proname LIKE 'procrastinate%'",
    "columns": "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable"
    " || ' ' || coalesce(column_default, '') FROM information_schema.columns"
    " WHERE table_schema = 'public' AND table_name LIKE 'procrastinate%'",
    "types": "SELECT t.typname || ':' || coalesce(e.enumlabel, '') FROM pg_type t"
    " JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_enum e ON e.enumtypid = t.oid"
    " WHERE n.nspname = 'public' AND t.typname LIKE 'procrastinate%'",
    "indexes": "SELECT indexdef FROM pg_indexes"
    " WHERE schemaname = 'public' AND tablename LIKE 'procrastinate%'",
    # procrastinate's triggers (the audit log's append-only trigger is the application's own)
    "triggers": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    " AND tgname LIKE 'procrastinate%'",
}


def _sync(url: str, **options: object) -> sa.Engine:
    return sa.create_engine(url, poolclass=sa.pool.NullPool, **options)


def _catalog(url: str) -> dict[str, set[str]]:
    engine = _sync(url)
    try:
        with engine.connect() as connection:
            return {
                kind: {row[0] for row in connection.execute(sa.text(query))}
                for kind, query in CATALOG.items()
            }
    finally:
        engine.dispose()


def test_head_has_the_installed_schema_and_records_its_newest_migration(
    empty_postgres_url: str,
) -> None:
    upgrade_to_head(empty_postgres_url)

    engine = _sync(empty_postgres_url)
    try:
        with engine.connect() as connection:
            assert (
                procrastinate_schema.recorded_migration(connection)
                == (procrastinate_schema.migration_files()[-1])
            )
            assert procrastinate_schema.pending_migrations(connection) == []
    finally:
        engine.dispose()
    catalog = _catalog(empty_postgres_url)
    assert "procrastinate_defer_jobs_v1(procrastinate_job_to_defer_v1[])" in catalog["functions"]
    assert any(
        column.startswith("procrastinate_jobs.queueing_lock ") for column in catalog["columns"]
    )


def test_a_schema_of_an_older_procrastinate_upgrades_to_the_installed_one(
    empty_postgres_url: str, postgres_url: str
) -> None:
    """What a later revision does when the pin moves: run the newer migration files, each
    committed on its own. Here the database starts as procrastinate 2.x left it."""
    engine = _sync(empty_postgres_url, isolation_level="AUTOCOMMIT")
    older = [name for name in procrastinate_schema.migration_files() if name < "03.00.00"]
    try:
        with engine.connect() as connection:
            connection.execute(
                sa.text(f"CREATE TABLE {procrastinate_schema.VERSION_TABLE} (migration text)")
            )
            connection.execute(
                sa.text(f"INSERT INTO {procrastinate_schema.VERSION_TABLE} VALUES ('0')")
            )
            for name in older:  # as procrastinate 2.x's own migrations built it
                procrastinate_schema.apply_migration(connection, name)

            applied = procrastinate_schema.upgrade_schema(connection)

            assert applied == [
                name for name in procrastinate_schema.migration_files() if name > older[-1]
            ]
            assert procrastinate_schema.pending_migrations(connection) == []
    finally:
        engine.dispose()
    assert _catalog(empty_postgres_url) == _catalog(postgres_url)  # postgres_url: made at head


def test_the_downgrade_removes_every_procrastinate_object(empty_postgres_url: str) -> None:
    upgrade_to_head(empty_postgres_url)

    command.downgrade(alembic_config(empty_postgres_url), f"{JOBS_REVISION}-1")

    assert _catalog(empty_postgres_url) == {kind: set() for kind in CATALOG}
    engine = _sync(empty_postgres_url)
    try:
        names = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert procrastinate_schema.VERSION_TABLE not in names
    assert "job_queue" not in names


async def test_workers_say_when_the_schema_lacks_migrations_of_the_installed_package(
    empty_postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from entrypoints import composition
    from entrypoints.composition.jobs import warn_if_queue_schema_is_behind
    from entrypoints.config import Settings

    upgrade_to_head(empty_postgres_url)
    container = composition.build_container(Settings(database_url=empty_postgres_url))
    await composition.start(container)
    try:
        await warn_if_queue_schema_is_behind(container)
        assert "lacks migrations" not in caplog.text
        engine = _sync(empty_postgres_url)
        try:
            with engine.begin() as connection:  # as if the pin moved past this schema
                connection.execute(
                    sa.text(
                        f"UPDATE {procrastinate_schema.VERSION_TABLE}"
                        " SET migration = '03.03.00_01_pre_priority_lock_fetch_job.sql'"
                    )
                )
        finally:
            engine.dispose()

        await warn_if_queue_schema_is_behind(container)
    finally:
        await composition.stop(container)

    assert "lacks migrations" in caplog.text
    assert "03.04.00_01_pre_add_retry_failed_job_procedure.sql" in caplog.text
