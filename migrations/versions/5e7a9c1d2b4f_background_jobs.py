"""Background jobs: the in-process queue's tables, and procrastinate's schema on PostgreSQL.

`job_queue` and `job_schedule` serve the in-process queue (the embedded SQLite default); they
exist on PostgreSQL too, so that both dialects have the same tables. On PostgreSQL the queue is
procrastinate: its schema is created here from the `schema.sql` of the installed package (see
`adapters.jobs.procrastinate_schema`: a later revision upgrades it with procrastinate's own
migration files when the pinned version moves).

Revision ID: 5e7a9c1d2b4f
Revises: 1c26ab5fc242
Create Date: 2026-12-02 05:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from adapters.jobs import procrastinate_schema

# revision identifiers, used by Alembic.
revision: str = "5e7a9c1d2b4f"
down_revision: str | Sequence[str] | None = "1c26ab5fc242"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "status = 'todo'"


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
        procrastinate_schema.create_schema(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        procrastinate_schema.drop_schema(op.get_bind())
    op.drop_table("job_schedule")
    op.drop_index(op.f("ix_job_queue_status_run_at"), table_name="job_queue")
    op.drop_index(
        "ix_job_queue_waiting_dedupe_key",
        table_name="job_queue",
        postgresql_where=sa.text(WAITING),
        sqlite_where=sa.text(WAITING),
    )
    op.drop_table("job_queue")
