"""Media processing: what processing made of a video (renditions, poster, BlurHash, the chosen
poster frame), and the version of an avatar uploaded here.

Revision ID: 8b3f6c2d9e1a
Revises: 5e0c7a1d9b24
Create Date: 2026-12-02 06:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "8b3f6c2d9e1a"
down_revision: str | Sequence[str] | None = "5e0c7a1d9b24"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("videos", sa.Column("renditions", sa.JSON(), nullable=True))
    op.add_column("videos", sa.Column("poster_version", sa.String(length=64), nullable=True))
    op.add_column("videos", sa.Column("blurhash", sa.String(length=100), nullable=True))
    op.add_column("videos", sa.Column("poster_at_seconds", sa.Double(), nullable=True))
    op.add_column("users", sa.Column("avatar_version", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "avatar_version")
    op.drop_column("videos", "poster_at_seconds")
    op.drop_column("videos", "blurhash")
    op.drop_column("videos", "poster_version")
    op.drop_column("videos", "renditions")
