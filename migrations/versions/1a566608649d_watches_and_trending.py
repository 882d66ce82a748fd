"""Watch signals and trending: the latest watch of each video by each signed-in viewer, counted
views per video and hour, and the trending hashtags table a periodic job rewrites.

Revision ID: 1a566608649d
Revises: c5d1e8f2a4b7
Create Date: 2026-12-02 09:26:07.996744
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1a566608649d"
down_revision: str | Sequence[str] | None = "c5d1e8f2a4b7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trending_hashtags",
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("hashtag", sa.String(length=100), nullable=False),
        sa.Column("video_count", sa.BigInteger(), nullable=False),
        sa.Column("recent_views", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_trending_hashtags")),
    )
    op.create_table(
        "video_view_hours",
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_video_view_hours_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("video_id", "hour", name=op.f("pk_video_view_hours")),
    )
    with op.batch_alter_table("video_view_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_video_view_hours_hour"), ["hour"], unique=False)

    op.create_table(
        "watches",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("watched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("watched_ms", sa.Integer(), nullable=True),
        sa.Column("completed", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_watches_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["video_id"], ["videos.id"], name=op.f("fk_watches_video_id_videos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "video_id", name=op.f("pk_watches")),
    )
    with op.batch_alter_table("watches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watches_video_id"), ["video_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_watches_watched_at"), ["watched_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("watches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watches_watched_at"))
        batch_op.drop_index(batch_op.f("ix_watches_video_id"))

    op.drop_table("watches")
    with op.batch_alter_table("video_view_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_video_view_hours_hour"))

    op.drop_table("video_view_hours")
    op.drop_table("trending_hashtags")
