"""What a mobile client needs: saved videos, share counts, pinned comments, the lists of who
liked a video and of the videos a user liked, and top comments.

Revision ID: a4c6e8f0b2d1
Revises: 8b3f6c2d9e1a
Create Date: 2026-12-02 09:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a4c6e8f0b2d1"
down_revision: str | Sequence[str] | None = "8b3f6c2d9e1a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The predicates of the partial indexes, frozen (keep them equal to tables.py).
TOP_LEVEL_COMMENT = "parent_id IS NULL"
PINNED_COMMENT = "pinned_at IS NOT NULL"


def upgrade() -> None:
    op.add_column(
        "videos",
        sa.Column("share_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    )
    op.create_table(
        "video_saves",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_video_saves_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_video_saves_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "video_id", name=op.f("pk_video_saves")),
    )
    op.create_index(op.f("ix_video_saves_video_id"), "video_saves", ["video_id"], unique=False)
    op.create_index(
        op.f("ix_video_saves_user_id_created_at_video_id"),
        "video_saves",
        ["user_id", "created_at", "video_id"],
        unique=False,
    )
    # Who liked a video (it also serves what the single-column index served), and what a user liked.
    op.create_index(
        op.f("ix_video_likes_video_id_created_at_user_id"),
        "video_likes",
        ["video_id", "created_at", "user_id"],
        unique=False,
    )
    op.drop_index(op.f("ix_video_likes_video_id"), table_name="video_likes")
    op.create_index(
        op.f("ix_video_likes_user_id_created_at_video_id"),
        "video_likes",
        ["user_id", "created_at", "video_id"],
        unique=False,
    )
    op.add_column("comments", sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True))
    # Partial indexes (Alembic does not compare predicates: keep them equal to tables.py).
    op.create_index(
        op.f("ix_comments_video_id_like_count_created_at_id"),
        "comments",
        ["video_id", "like_count", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text(TOP_LEVEL_COMMENT),
        sqlite_where=sa.text(TOP_LEVEL_COMMENT),
    )
    op.create_index(
        "ix_comments_pinned_video_id",
        "comments",
        ["video_id"],
        unique=True,
        postgresql_where=sa.text(PINNED_COMMENT),
        sqlite_where=sa.text(PINNED_COMMENT),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_comments_pinned_video_id",
        table_name="comments",
        postgresql_where=sa.text(PINNED_COMMENT),
        sqlite_where=sa.text(PINNED_COMMENT),
    )
    op.drop_index(
        op.f("ix_comments_video_id_like_count_created_at_id"),
        table_name="comments",
        postgresql_where=sa.text(TOP_LEVEL_COMMENT),
        sqlite_where=sa.text(TOP_LEVEL_COMMENT),
    )
    op.drop_column("comments", "pinned_at")
    op.drop_index(op.f("ix_video_likes_user_id_created_at_video_id"), table_name="video_likes")
    op.create_index(op.f("ix_video_likes_video_id"), "video_likes", ["video_id"], unique=False)
    op.drop_index(op.f("ix_video_likes_video_id_created_at_user_id"), table_name="video_likes")
    op.drop_index(op.f("ix_video_saves_user_id_created_at_video_id"), table_name="video_saves")
    op.drop_index(op.f("ix_video_saves_video_id"), table_name="video_saves")
    op.drop_table("video_saves")
    op.drop_column("videos", "share_count")
