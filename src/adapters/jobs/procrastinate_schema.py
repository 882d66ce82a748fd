"""procrastinate's schema in our database: which procrastinate migrations it contains.

procrastinate ships two things in its package (`procrastinate/sql/`): `schema.sql`, the whole schema
of the installed version, and `migrations/`, one SQL file per change since its first release, named
so that they sort in the order to apply them (`03.04.00_01_pre_...sql`, `03.04.00_50_post_...sql`).

Our revision `5e7a9c1d2b4f` runs `schema.sql` of the installed package and records in
`clipstream_procrastinate_schema` the newest migration file that package ships (what its
`schema.sql` already contains). When the pin of procrastinate moves, a later revision applies the
newer migration files, each committed with its record, exactly as `upgrade_schema` below does (a
revision imports no live code, so it carries its own copy of these lines)::

    def upgrade() -> None:
        bind = op.get_bind()
        if bind.dialect.name != "postgresql":
            return
        folder = importlib.resources.files("procrastinate.sql") / "migrations"
        recorded = bind.execute(
            sa.text("SELECT migration FROM clipstream_procrastinate_schema")
        ).scalar_one()
        names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".sql"))
        with op.get_context().autocommit_block():  # each file commits on its own
            for name in [name for name in names if name > recorded]:
                bind.exec_driver_sql(
                    (folder / name).read_text()
                    + f";\nUPDATE clipstream_procrastinate_schema SET migration = '{name}'",
                    execution_options={"no_parameters": True},
                )

On a database created after the pin moved, those files are already part of `schema.sql`: it applies
none. Workers warn at start when the schema lacks migrations of the installed package
(`pending_migrations`).
"""

from __future__ import annotations

import re
from importlib import resources

from sqlalchemy import Connection, text

_FILE_NAME = re.compile(r"[0-9][0-9.]*_[0-9]+_[a-z0-9_]+\.sql")

VERSION_TABLE = "clipstream_procrastinate_schema"
"""One row: the newest procrastinate migration file the schema contains."""


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
    record = f"UPDATE {VERSION_TABLE} SET migration = '{name}'"  # noqa: S608 (a file name of ours)
    _run_script(connection, f"{script};\n{record}")


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
