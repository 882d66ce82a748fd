"""Session retention: indexes for the sweep that forgets ended sessions and expired tokens.

Revision ID: 5e0c7a1d9b24
Revises: 5e7a9c1d2b4f
Create Date: 2026-12-02 06:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "5e0c7a1d9b24"
down_revision: str | Sequence[str] | None = "5e7a9c1d2b4f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REVOKED_SESSION = "revoked_at IS NOT NULL"


def upgrade() -> None:
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])
    # Partial index (Alembic does not compare predicates: keep it equal to tables.py).
    op.create_index(
        "ix_sessions_revoked_at",
        "sessions",
        ["revoked_at"],
        postgresql_where=sa.text(REVOKED_SESSION),
        sqlite_where=sa.text(REVOKED_SESSION),
    )
    op.create_index("ix_refresh_tokens_expires_at", "refresh_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_refresh_tokens_expires_at", table_name="refresh_tokens")
    op.drop_index("ix_sessions_revoked_at", table_name="sessions")
    op.drop_index("ix_sessions_expires_at", table_name="sessions")
