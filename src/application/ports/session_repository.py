"""Port: sessions and their refresh tokens (write side)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.sessions import RefreshToken, Session


class SessionRepository(Protocol):
    """Stores sessions and their refresh tokens (hashed)."""

    async def add(self, session: Session) -> None:
        """Insert a new session."""
        ...

    async def get(self, session_id: UUID) -> Session | None:
        """The session with this id, if any."""
        ...

    async def revoke(self, session_id: UUID, now: datetime) -> None:
        """Revoke one session (idempotent)."""
        ...

    async def revoke_all_for_user(
        self, user_id: UUID, now: datetime, *, keep: UUID | None = None
    ) -> None:
        """Revoke every active session of a user, except `keep`."""
        ...

    async def add_token(self, token: RefreshToken) -> None:
        """Insert a new refresh token."""
        ...

    async def get_token(self, token_hash: str) -> RefreshToken | None:
        """The refresh token with this hash, if any."""
        ...

    async def spend_token(self, token_hash: str, now: datetime) -> bool:
        """Atomically mark an unspent token spent; False if it was already spent (or unknown)."""
        ...

    async def forget_ended(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` sessions that expired or were revoked before `before` (their
        refresh tokens go with them) and up to `limit` other refresh tokens that expired before
        it; returns how many sessions and expired tokens were deleted."""
        ...
