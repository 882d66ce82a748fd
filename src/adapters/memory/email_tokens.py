"""In-memory email-token repository."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from adapters.memory.store import MemoryState
from application.ports.email_token_repository import EmailTokenRepository
from domain.email_tokens import EmailToken, EmailTokenPurpose


class MemoryEmailTokenRepository(EmailTokenRepository):
    """Hashed email tokens in a dict (the unit of work holds the store's lock)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, token: EmailToken) -> None:
        self._state.email_tokens[token.token_hash] = token

    async def get(self, token_hash: str) -> EmailToken | None:
        return self._state.email_tokens.get(token_hash)

    async def spend(self, token_hash: str, now: datetime) -> EmailToken | None:
        token = self._state.email_tokens.get(token_hash)
        if token is None or not token.is_usable(now):
            return None
        self._state.email_tokens[token_hash] = dataclasses.replace(token, spent_at=now)
        return token

    async def spend_all(self, user_id: UUID, purpose: EmailTokenPurpose, now: datetime) -> int:
        tokens = self._state.email_tokens
        unspent = [
            token
            for token in tokens.values()
            if token.user_id == user_id and token.purpose == purpose and token.spent_at is None
        ]
        for token in unspent:
            tokens[token.token_hash] = dataclasses.replace(token, spent_at=now)
        return len(unspent)

    async def newest(self, user_id: UUID, purpose: EmailTokenPurpose) -> EmailToken | None:
        mine = [
            token
            for token in self._state.email_tokens.values()
            if token.user_id == user_id and token.purpose == purpose
        ]
        return max(mine, key=lambda token: token.created_at, default=None)

    async def count_since(self, user_id: UUID, purpose: EmailTokenPurpose, since: datetime) -> int:
        return sum(
            1
            for token in self._state.email_tokens.values()
            if token.user_id == user_id and token.purpose == purpose and token.created_at > since
        )

    async def forget_ended(self, before: datetime, limit: int) -> int:
        tokens = self._state.email_tokens
        ended = [h for h, token in tokens.items() if token.expires_at < before][:limit]
        for token_hash in ended:
            del tokens[token_hash]
        return len(ended)
