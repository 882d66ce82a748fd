"""Creating sessions and their rotating refresh tokens (shared by register, login and refresh)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.auth.results import IssuedTokens
from application.ports.clock import Clock
from application.ports.id_generator import IdGenerator
from application.ports.token_service import TokenService
from application.ports.unit_of_work import UnitOfWork
from domain.sessions import RefreshToken, Session
from domain.users import User

REFRESH_TOKEN_BYTES = 32  # 256 bits


def hash_refresh_token(token: str) -> str:
    """Refresh tokens are stored only as their SHA-256 hex digest."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionTokens:
    """Issues tokens; the caller commits the unit of work."""

    clock: Clock
    ids: IdGenerator
    tokens: TokenService
    refresh_ttl: timedelta

    async def start_session(self, uow: UnitOfWork, user: User) -> IssuedTokens:
        """Open a new session for `user` and issue its first tokens."""
        now = self.clock.now()
        session = Session(
            id=self.ids.new_id(), user_id=user.id, created_at=now, expires_at=now + self.refresh_ttl
        )
        await uow.sessions.add(session)
        return await self.rotate(uow, user, session.id, now)

    async def rotate(
        self, uow: UnitOfWork, user: User, session_id: UUID, now: datetime
    ) -> IssuedTokens:
        """Issue a new refresh token (and access token) within an existing session."""
        refresh = secrets.token_urlsafe(REFRESH_TOKEN_BYTES)
        await uow.sessions.add_token(
            RefreshToken(
                token_hash=hash_refresh_token(refresh),
                session_id=session_id,
                created_at=now,
                expires_at=now + self.refresh_ttl,
            )
        )
        return IssuedTokens(
            access_token=self.tokens.issue_access_token(user.id, session_id, now),
            refresh_token=refresh,
            expires_in=self.tokens.access_ttl_seconds,
            user=user,
        )
