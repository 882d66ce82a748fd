"""Social: follows, likes of videos and comments, comments with replies, the engagement points
that rank For You, and the index of the Following feed.

Revision ID: d492bce70bad
Revises: 3d8f4b6a1e2c
Create Date: 2026-11-26 09:12:30.184512
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d492bce70bad"
down_revision: str | Sequence[str] | None = "3d8f4b6a1e2c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLISHED_VIDEO = "status = 'ready' AND visibility = 'public'"
TOP_LEVEL_COMMENT = "parent_id IS NULL"


def upgrade() -> None:
    # SQLite adds a NOT NULL column in place when it has a constant default.
    op.add_column(
        "videos",
        sa.Column(
            "engagement_points", sa.BigInteger(), server_default=sa.text("0"), nullable=False
        ),
    )
    # Partial index (Alembic does not compare predicates: keep it equal to tables.py).
    op.create_index(
        op.f("ix_videos_owner_id_published_at_id"),
        "videos",
        ["owner_id", "published_at", "id"],
        unique=False,
        postgresql_where=sa.text(PUBLISHED_VIDEO),
        sqlite_where=sa.text(PUBLISHED_VIDEO),
    )
    op.create_table(
        "follows",
        sa.Column("follower_id", sa.Uuid(), nullable=False),
        sa.Column("followee_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("follower_id <> followee_id", name=op.f("ck_follows_not_self")),
        sa.ForeignKeyConstraint(
            ["follower_id"],
            ["users.id"],
            name=op.f("fk_follows_follower_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["followee_id"],
            ["users.id"],
            name=op.f("fk_follows_followee_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("follower_id", "followee_id", name=op.f("pk_follows")),
    )
    op.create_index(
        op.f("ix_follows_followee_id_created_at_follower_id"),
        "follows",
        ["followee_id", "created_at", "follower_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_follows_follower_id_created_at_followee_id"),
        "follows",
        ["follower_id", "created_at", "followee_id"],
        unique=False,
    )
    op.create_table(
        "video_likes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_video_likes_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_video_likes_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "video_id", name=op.f("pk_video_likes")),
    )
    op.create_index(op.f("ix_video_likes_video_id"), "video_likes", ["video_id"], unique=False)
    op.create_table(
        "comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.String(length=1000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reply_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("like_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_comments_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_comments_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    # Partial index (Alembic does not compare predicates: keep it equal to tables.py).
    op.create_index(
        op.f("ix_comments_video_id_created_at_id"),
        "comments",
        ["video_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text(TOP_LEVEL_COMMENT),
        sqlite_where=sa.text(TOP_LEVEL_COMMENT),
    )
    op.create_index(op.f("ix_comments_video_id"), "comments", ["video_id"], unique=False)
    op.create_index(
        op.f("ix_comments_parent_id_created_at_id"),
        "comments",
        ["parent_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(op.f("ix_comments_author_id"), "comments", ["author_id"], unique=False)
    op.create_table(
        "comment_likes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("comment_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_comment_likes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_likes_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "comment_id", name=op.f("pk_comment_likes")),
    )
    op.create_index(
        op.f("ix_comment_likes_comment_id"), "comment_likes", ["comment_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_comment_likes_comment_id"), table_name="comment_likes")
    op.drop_table("comment_likes")
    op.drop_index(op.f("ix_comments_author_id"), table_name="comments")
    op.drop_index(op.f("ix_comments_parent_id_created_at_id"), table_name="comments")
    op.drop_index(op.f("ix_comments_video_id"), table_name="comments")
    op.drop_index(op.f("ix_comments_video_id_created_at_id"), table_name="comments")
    op.drop_table("comments")
    op.drop_index(op.f("ix_video_likes_video_id"), table_name="video_likes")
    op.drop_table("video_likes")
    op.drop_index(op.f("ix_follows_follower_id_created_at_followee_id"), table_name="follows")
    op.drop_index(op.f("ix_follows_followee_id_created_at_follower_id"), table_name="follows")
    op.drop_table("follows")
    op.drop_index(op.f("ix_videos_owner_id_published_at_id"), table_name="videos")
    # SQLite (3.35+) drops a column in place when no index or constraint uses it.
    op.drop_column("videos", "engagement_points")
