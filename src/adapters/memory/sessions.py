"""In-memory session repository."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from adapters.memory.store import MemoryState
from application.ports.session_repository import SessionRepository
from domain.sessions import RefreshToken, Session


class MemorySessionRepository(SessionRepository):
    """Sessions and hashed refresh tokens in dicts."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, session: Session) -> None:
        self._state.sessions[session.id] = session

    async def get(self, session_id: UUID) -> Session | None:
        return self._state.sessions.get(session_id)

    async def revoke(self, session_id: UUID, now: datetime) -> None:
        session = self._state.sessions.get(session_id)
        if session is not None and session.revoked_at is None:
            self._state.sessions[session_id] = dataclasses.replace(session, revoked_at=now)

    async def revoke_all_for_user(
        self, user_id: UUID, now: datetime, *, keep: UUID | None = None
    ) -> None:
        for session in list(self._state.sessions.values()):
            if session.user_id == user_id and session.id != keep:
                await self.revoke(session.id, now)

    async def add_token(self, token: RefreshToken) -> None:
        self._state.refresh_tokens[token.token_hash] = token

    async def get_token(self, token_hash: str) -> RefreshToken | None:
        return self._state.refresh_tokens.get(token_hash)

    async def spend_token(self, token_hash: str, now: datetime) -> bool:
        token = self._state.refresh_tokens.get(token_hash)
        if token is None or token.spent_at is not None:
            return False
        self._state.refresh_tokens[token_hash] = dataclasses.replace(token, spent_at=now)
        return True

    async def forget_ended(self, before: datetime, limit: int) -> int:
        sessions = self._state.sessions
        ended = [
            session.id
            for session in sessions.values()
            if session.expires_at < before
            or (session.revoked_at is not None and session.revoked_at < before)
        ][:limit]
        for session_id in ended:
            del sessions[session_id]
        tokens = self._state.refresh_tokens
        gone = [
            token.token_hash
            for token in tokens.values()
            if token.session_id not in sessions or token.expires_at < before
        ]
        orphans = [key for key in gone if tokens[key].session_id not in sessions]
        expired = [key for key in gone if tokens[key].session_id in sessions][:limit]
        for token_hash in (*orphans, *expired):
            del tokens[token_hash]
        return len(ended) + len(expired)  # a session's own tokens go with it, uncounted
