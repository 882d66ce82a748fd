"""Videos: the videos with their hashtags and caption words, the storage deletion queue, and
idempotency keys.

Revision ID: 3d8f4b6a1e2c
Revises: 7c1e2f0a9b3d
Create Date: 2026-11-24 14:01:45.623383
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3d8f4b6a1e2c"
down_revision: str | Sequence[str] | None = "7c1e2f0a9b3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLISHED_VIDEO = "status = 'ready' AND visibility = 'public'"
UPLOADING_VIDEO = "status = 'uploading'"


def upgrade() -> None:
    op.create_table(
        "videos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("caption", sa.String(length=2200), nullable=False),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("failure_reason", sa.String(length=500), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("upload_id", sa.String(length=1024), nullable=True),
        sa.Column("upload_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_seconds", sa.Double(), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("view_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("like_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("comment_count", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.CheckConstraint(
            "status IN ('uploading', 'processing', 'ready', 'failed')",
            name=op.f("ck_videos_status"),
        ),
        sa.CheckConstraint(
            "visibility IN ('public', 'unlisted', 'private')", name=op.f("ck_videos_visibility")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_videos_owner_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_videos")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_videos_storage_key")),
    )
    op.create_index(
        op.f("ix_videos_owner_id_created_at_id"),
        "videos",
        ["owner_id", "created_at", "id"],
        unique=False,
    )
    # Partial indexes (Alembic does not compare their predicates: keep them equal to tables.py).
    op.create_index(
        op.f("ix_videos_published_at_id"),
        "videos",
        ["published_at", "id"],
        unique=False,
        postgresql_where=sa.text(PUBLISHED_VIDEO),
        sqlite_where=sa.text(PUBLISHED_VIDEO),
    )
    op.create_index(
        op.f("ix_videos_upload_expires_at"),
        "videos",
        ["upload_expires_at"],
        unique=False,
        postgresql_where=sa.text(UPLOADING_VIDEO),
        sqlite_where=sa.text(UPLOADING_VIDEO),
    )
    op.create_table(
        "video_hashtags",
        sa.Column("hashtag", sa.String(length=100), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_video_hashtags_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hashtag", "video_id", name=op.f("pk_video_hashtags")),
    )
    op.create_index(
        op.f("ix_video_hashtags_video_id"), "video_hashtags", ["video_id"], unique=False
    )
    op.create_table(
        "video_words",
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_video_words_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("word", "video_id", name=op.f("pk_video_words")),
    )
    op.create_index(op.f("ix_video_words_video_id"), "video_words", ["video_id"], unique=False)
    op.create_table(
        "storage_deletions",
        # Byte-order collation on PostgreSQL: ties in `due` break in Python's string order.
        sa.Column(
            "key",
            sa.String(length=300).with_variant(sa.String(length=300, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("upload_id", sa.String(length=1024), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_storage_deletions")),
    )
    op.create_index(
        op.f("ix_storage_deletions_not_before"), "storage_deletions", ["not_before"], unique=False
    )
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_created_at"), "idempotency_keys", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_idempotency_keys_created_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_storage_deletions_not_before"), table_name="storage_deletions")
    op.drop_table("storage_deletions")
    op.drop_index(op.f("ix_video_words_video_id"), table_name="video_words")
    op.drop_table("video_words")
    op.drop_index(op.f("ix_video_hashtags_video_id"), table_name="video_hashtags")
    op.drop_table("video_hashtags")
    op.drop_index(op.f("ix_videos_upload_expires_at"), table_name="videos")
    op.drop_index(op.f("ix_videos_published_at_id"), table_name="videos")
    op.drop_index(op.f("ix_videos_owner_id_created_at_id"), table_name="videos")
    op.drop_table("videos")
