"""For You rank: a stored, indexed rank (engagement with exponential time decay) per video.

Revision ID: 1c26ab5fc242
Revises: d492bce70bad
Create Date: 2026-11-24 15:47:29.957869
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "1c26ab5fc242"
down_revision: str | Sequence[str] | None = "d492bce70bad"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLISHED_VIDEO = "status = 'ready' AND visibility = 'public'"
BATCH = 5000

# The rank as this revision defines it, frozen here (a revision never imports live code, which
# may change later): ln(1 + points) + the publication time in seconds * ln(2) / 12 hours.
DECAY_PER_SECOND = math.log(2.0) / (12.0 * 3600.0)


def _rank(points: int, published_at: datetime) -> float:
    return math.log(1 + points) + published_at.timestamp() * DECAY_PER_SECOND


def _utc(stored: datetime) -> datetime:
    """A stored time as UTC (SQLite gives back the naive UTC time it stores)."""
    return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


_videos = sa.table(
    "videos",
    sa.column("id", sa.Uuid()),
    sa.column("engagement_points", sa.BigInteger()),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("rank", sa.Double()),
)


def upgrade() -> None:
    op.add_column("videos", sa.Column("rank", sa.Double(), nullable=True))
    # Every published video's rank, computed as the application computed it at this revision.
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_videos.c.id, _videos.c.engagement_points, _videos.c.published_at).where(
            _videos.c.published_at.is_not(None)
        )
    ).all()
    update = (
        sa.update(_videos)
        .where(_videos.c.id == sa.bindparam("video_id"))
        .values(rank=sa.bindparam("new_rank"))
    )
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        bind.execute(
            update,
            [
                {
                    "video_id": row.id,
                    "new_rank": _rank(row.engagement_points, _utc(row.published_at)),
                }
                for row in batch
            ],
        )
    # Partial index (Alembic does not compare predicates: keep it equal to tables.py).
    op.create_index(
        op.f("ix_videos_rank_id"),
        "videos",
        ["rank", "id"],
        unique=False,
        postgresql_where=sa.text(PUBLISHED_VIDEO),
        sqlite_where=sa.text(PUBLISHED_VIDEO),
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_videos_rank_id"),
        table_name="videos",
        postgresql_where=sa.text(PUBLISHED_VIDEO),
        sqlite_where=sa.text(PUBLISHED_VIDEO),
    )
    op.drop_column("videos", "rank")
