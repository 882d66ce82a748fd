"""Login sessions: a family of rotating refresh tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Session:
    """One login (a device). Every refresh token it issues belongs to it.

    Access tokens name their session, so revoking the session also ends its access tokens.
    """

    id: UUID
    user_id: UUID
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True, slots=True)
class RefreshToken:
    """A refresh token, known only by its SHA-256 hash. Spent once used."""

    token_hash: str
    session_id: UUID
    created_at: datetime
    expires_at: datetime
    spent_at: datetime | None = None
