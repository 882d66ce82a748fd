"""Background jobs: the in-process queue's tables, and procrastinate's schema on PostgreSQL.

`job_queue` and `job_schedule` serve the in-process queue (the embedded SQLite default); they exist
on PostgreSQL too, so that both dialects have the same tables. On PostgreSQL the queue is
procrastinate: its schema is created here from the `schema.sql` of the installed package, and
`clipstream_procrastinate_schema` records the newest migration file that package ships (what its
`schema.sql` contains). A later revision upgrades the schema with procrastinate's own migration
files newer than the recorded one (see `adapters.jobs.procrastinate_schema`); on a database created
after such an upgrade they are already part of `schema.sql`, and it applies none.

Revision ID: 5e7a9c1d2b4f
Revises: 1c26ab5fc242
Create Date: 2026-12-02 05:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5e7a9c1d2b4f"
down_revision: str | Sequence[str] | None = "1c26ab5fc242"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "status = 'todo'"
VERSION_TABLE = "clipstream_procrastinate_schema"

# Every table, function and type whose name starts with procrastinate_ (the tables first: the
# composite types left afterwards are procrastinate's own).
DROP_PROCRASTINATE = r"""
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
          AND t.typtype IN ('c', 'e')
    LOOP
        EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname);
    END LOOP;
END;
$$
"""


def _run_script(script: str) -> None:
    """SQL text as it is (several statements, `%` signs): no parameter parsing."""
    op.get_bind().exec_driver_sql(script, execution_options={"no_parameters": True})


def _create_procrastinate_schema() -> None:
    sql = resources.files("procrastinate.sql")
    _run_script((sql / "schema.sql").read_text(encoding="utf-8"))
    newest = max(item.name for item in (sql / "migrations").iterdir() if item.name.endswith(".sql"))
    op.execute(sa.text(f"CREATE TABLE {VERSION_TABLE} (migration text NOT NULL)"))
    op.get_bind().execute(
        sa.text(f"INSERT INTO {VERSION_TABLE} (migration) VALUES (:newest)"),  # noqa: S608
        {"newest": newest},
    )


def upgrade() -> None:
    op.create_table(
        "job_queue",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("queue", sa.String(length=32), nullable=False),
        sa.Column("task", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=400), nullable=True),
        sa.Column("priority", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.String(length=8), server_default=sa.text("'todo'"), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("runner", sa.String(length=64), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('todo', 'doing', 'failed')", name=op.f("ck_job_queue_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_queue")),
    )
    # Partial index (Alembic does not compare predicates: keep it equal to tables.py).
    op.create_index(
        "ix_job_queue_waiting_dedupe_key",
        "job_queue",
        ["dedupe_key"],
        unique=True,
        postgresql_where=sa.text(WAITING),
        sqlite_where=sa.text(WAITING),
    )
    op.create_index(
        op.f("ix_job_queue_status_run_at"), "job_queue", ["status", "run_at"], unique=False
    )
    op.create_table(
        "job_schedule",
        sa.Column("task", sa.String(length=100), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("task", name=op.f("pk_job_schedule")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _create_procrastinate_schema()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run_script(DROP_PROCRASTINATE)
        op.execute(sa.text(f"DROP TABLE IF EXISTS {VERSION_TABLE}"))
    op.drop_table("job_schedule")
    op.drop_index(op.f("ix_job_queue_status_run_at"), table_name="job_queue")
    op.drop_index(
        "ix_job_queue_waiting_dedupe_key",
        table_name="job_queue",
        postgresql_where=sa.text(WAITING),
        sqlite_where=sa.text(WAITING),
    )
    op.drop_table("job_queue")
