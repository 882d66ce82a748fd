"""Safety, slice 2: reports, one moderation case per reported target, and the append-only audit
log of moderation actions (triggers refuse UPDATE and DELETE on it, on both databases).

Revision ID: 9f4c2a7d1e55
Revises: 836e4f27b216
Create Date: 2026-12-02 09:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "9f4c2a7d1e55"
down_revision: str | Sequence[str] | None = "836e4f27b216"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_REPORT = "status = 'open'"

_POSTGRES_APPEND_ONLY = (
    """
    CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()
    """,
)
_SQLITE_APPEND_ONLY = tuple(
    f"""
    CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
    """
    for verb in ("UPDATE", "DELETE")
)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reporter_id", sa.Uuid(), nullable=False),
        sa.Column("target_type", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("details", sa.String(length=1000), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            name=op.f("fk_reports_reporter_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index(
        "ix_reports_open_by_reporter",
        "reports",
        ["reporter_id", "target_type", "target_id"],
        unique=True,
        postgresql_where=sa.text(OPEN_REPORT),
        sqlite_where=sa.text(OPEN_REPORT),
    )
    op.create_index(
        op.f("ix_reports_reporter_id_created_at"), "reports", ["reporter_id", "created_at"]
    )
    op.create_index(
        op.f("ix_reports_target_type_target_id_status"),
        "reports",
        ["target_type", "target_id", "status"],
    )
    op.create_table(
        "moderation_cases",
        sa.Column("target_type", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("first_reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("target_type", "target_id", name=op.f("pk_moderation_cases")),
    )
    op.create_index(
        "ix_moderation_cases_open_queue",
        "moderation_cases",
        ["status", "report_count", "last_reported_at", "target_id"],
    )
    op.create_index(
        "ix_moderation_cases_resolved", "moderation_cases", ["status", "resolved_at", "target_id"]
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("target_type", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_created_at_id"), "audit_log", ["created_at", "id"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_APPEND_ONLY if postgres else _SQLITE_APPEND_ONLY:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_is_append_only()")
    op.drop_index(op.f("ix_audit_log_created_at_id"), table_name="audit_log")
    op.drop_table("audit_log")  # SQLite drops its triggers with it
    op.drop_index("ix_moderation_cases_resolved", table_name="moderation_cases")
    op.drop_index("ix_moderation_cases_open_queue", table_name="moderation_cases")
    op.drop_table("moderation_cases")
    op.drop_index(op.f("ix_reports_target_type_target_id_status"), table_name="reports")
    op.drop_index(op.f("ix_reports_reporter_id_created_at"), table_name="reports")
    op.drop_index("ix_reports_open_by_reporter", table_name="reports")
    op.drop_table("reports")
