"""Not interested: the videos each viewer marked never to see again in their For You.

Revision ID: f3a95243835b
Revises: 1a566608649d
Create Date: 2026-12-02 09:36:08.986634
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "f3a95243835b"
down_revision: str | Sequence[str] | None = "1a566608649d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "not_interested",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("video_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_not_interested_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["video_id"],
            ["videos.id"],
            name=op.f("fk_not_interested_video_id_videos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "video_id", name=op.f("pk_not_interested")),
    )
    with op.batch_alter_table("not_interested", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_not_interested_video_id"), ["video_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("not_interested", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_not_interested_video_id"))

    op.drop_table("not_interested")
