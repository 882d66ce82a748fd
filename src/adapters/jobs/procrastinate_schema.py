"""procrastinate's schema in our database, created and upgraded by Alembic revisions of ours.

procrastinate ships two things in its package (`procrastinate/sql/`): `schema.sql`, the whole schema
of the installed version, and `migrations/`, one SQL file per change since its first release, named
so that they sort in the order to apply them (`03.04.00_01_pre_...sql`, `03.04.00_50_post_...sql`).

- `create_schema` (our first procrastinate revision) runs `schema.sql` of the installed package and
  records the newest migration file the package knows (what that `schema.sql` already contains) in
  `clipstream_procrastinate_schema`.
- `upgrade_schema` is what a later revision calls after the pin of procrastinate moves: it runs the
  migration files newer than the recorded one, in order, each committed with its record. On a
  database created by the newer package those files are already part of `schema.sql`, so it runs
  none. Such a revision reads::

      def upgrade() -> None:
          if op.get_bind().dialect.name == "postgresql":
              with op.get_context().autocommit_block():
                  procrastinate_schema.upgrade_schema(op.get_bind())

  (procrastinate's migrations cannot be undone: its downgrade does nothing.)
- `drop_schema` removes every procrastinate object (the first revision's downgrade).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from sqlalchemy import Connection, text

_FILE_NAME = re.compile(r"[0-9][0-9.]*_[0-9]+_[a-z0-9_]+\.sql")

VERSION_TABLE = "clipstream_procrastinate_schema"
"""One row: the newest procrastinate migration file the schema contains."""

_DROP_EVERYTHING = r"""
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT tablename FROM pg_tables
        WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate\_%'
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.tablename);
    END LOOP;
    FOR item IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate\_%'
    LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature);
    END LOOP;
    FOR item IN
        SELECT t.typname FROM pg_type t
        JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate\_%'
          AND t.typtype IN ('c', 'e')  -- enums and composite types (the tables are gone)
    LOOP
        EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname);
    END LOOP;
END;
$$
"""


def is_procrastinate_object(name: str | None) -> bool:
    """Whether a table (or index, type) belongs to procrastinate's schema rather than ours."""
    return bool(name) and (str(name).startswith("procrastinate_") or str(name) == VERSION_TABLE)


def _sql_files() -> resources.abc.Traversable:
    return resources.files("procrastinate.sql")


def migration_files() -> list[str]:
    """The migration files of the installed procrastinate, in the order to apply them."""
    folder = _sql_files() / "migrations"
    return sorted(item.name for item in folder.iterdir() if item.name.endswith(".sql"))


def _run_script(connection: Connection, script: str) -> None:
    """Run SQL text as it is (several statements, `%` signs): no parameter parsing at all."""
    connection.exec_driver_sql(script, execution_options={"no_parameters": True})


def recorded_migration(connection: Connection) -> str | None:
    """The newest migration the schema contains, or None when procrastinate's schema is absent."""
    exists = connection.execute(text("SELECT to_regclass(:name)"), {"name": VERSION_TABLE})
    if exists.scalar() is None:
        return None
    row = connection.execute(text(f"SELECT migration FROM {VERSION_TABLE}")).first()  # noqa: S608
    return None if row is None else str(row.migration)


def _record(connection: Connection, migration: str) -> None:
    connection.execute(text(f"DELETE FROM {VERSION_TABLE}"))  # noqa: S608
    connection.execute(
        text(f"INSERT INTO {VERSION_TABLE} (migration) VALUES (:migration)"),  # noqa: S608
        {"migration": migration},
    )


def create_schema(connection: Connection) -> None:
    """Create procrastinate's schema as the installed package ships it, and record its version."""
    _run_script(connection, (_sql_files() / "schema.sql").read_text(encoding="utf-8"))
    connection.execute(text(f"CREATE TABLE {VERSION_TABLE} (migration text NOT NULL)"))
    _record(connection, migration_files()[-1])


def pending_migrations(connection: Connection) -> list[str]:
    """The installed package's migration files newer than the one the schema contains."""
    recorded = recorded_migration(connection)
    if recorded is None:
        raise RuntimeError("procrastinate's schema is not installed: run the earlier revisions")
    return [name for name in migration_files() if name > recorded]


def apply_migration(connection: Connection, name: str) -> None:
    """Run one migration file and record it, in one statement batch (one implicit transaction
    when the connection is in autocommit mode)."""
    if not _FILE_NAME.fullmatch(name):
        raise ValueError(f"not a procrastinate migration file name: {name!r}")
    script = (_sql_files() / "migrations" / name).read_text(encoding="utf-8")
    record = (
        f"DELETE FROM {VERSION_TABLE}; INSERT INTO {VERSION_TABLE} (migration) VALUES ('{name}');"  # noqa: S608
    )
    _run_script(connection, f"{script}\n;\n{record}")


def upgrade_schema(connection: Connection) -> list[str]:
    """Apply every pending migration file, each with its record; returns their names.

    Call it inside `op.get_context().autocommit_block()`: each file then commits on its own, as
    procrastinate's files expect (a file may use an enum value that an earlier one added, which
    PostgreSQL allows only once that addition is committed). A failure stops at the failing file,
    with every earlier one applied and recorded.
    """
    pending = pending_migrations(connection)
    for name in pending:
        apply_migration(connection, name)
    return pending


def drop_schema(connection: Connection) -> None:
    """Remove every procrastinate table, function and type, and our record of its version."""
    _run_script(connection, _DROP_EVERYTHING)
    connection.execute(text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))


def schema_file() -> Path:
    """Where the installed `schema.sql` is (for operators who want to read it)."""
    return Path(str(_sql_files() / "schema.sql"))
