"""Safety, slice 1: blocks between accounts, the role and suspension of an account, the
moderation state of videos and comments (what the visibility rule reads).

Revision ID: 836e4f27b216
Revises: f3a95243835b
Create Date: 2026-12-02 09:17:13.283246
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "836e4f27b216"
down_revision: str | Sequence[str] | None = "f3a95243835b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _moderation_state() -> sa.Column[str]:
    return sa.Column(
        "moderation_state",
        sa.String(length=16),
        server_default=sa.text("'visible'"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.Uuid(), nullable=False),
        sa.Column("blocked_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("blocker_id <> blocked_id", name=op.f("ck_blocks_not_self")),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["users.id"],
            name=op.f("fk_blocks_blocked_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["users.id"],
            name=op.f("fk_blocks_blocker_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_blocks")),
    )
    op.create_index(op.f("ix_blocks_blocked_id_blocker_id"), "blocks", ["blocked_id", "blocker_id"])
    op.create_index(
        op.f("ix_blocks_blocker_id_created_at_blocked_id"),
        "blocks",
        ["blocker_id", "created_at", "blocked_id"],
    )
    op.add_column(
        "users",
        sa.Column("role", sa.String(length=10), server_default=sa.text("'user'"), nullable=False),
    )
    op.add_column("users", sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_users_suspended",
        "users",
        ["id"],
        postgresql_where=sa.text("suspended_at IS NOT NULL"),
        sqlite_where=sa.text("suspended_at IS NOT NULL"),
    )
    for table in ("videos", "comments"):
        op.add_column(table, _moderation_state())
        op.add_column(table, sa.Column("moderation_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    for table in ("comments", "videos"):
        op.drop_column(table, "moderation_reason")
        op.drop_column(table, "moderation_state")
    op.drop_index("ix_users_suspended", table_name="users")
    op.drop_column("users", "suspended_at")
    op.drop_column("users", "role")
    op.drop_index(op.f("ix_blocks_blocker_id_created_at_blocked_id"), table_name="blocks")
    op.drop_index(op.f("ix_blocks_blocked_id_blocker_id"), table_name="blocks")
    op.drop_table("blocks")
