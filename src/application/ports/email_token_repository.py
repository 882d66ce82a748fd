"""Port: the single-use tokens that emails carry (write side)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.email_tokens import EmailToken, EmailTokenPurpose


class EmailTokenRepository(Protocol):
    """Stores email tokens (hashed), a repository of the unit of work."""

    async def add(self, token: EmailToken) -> None:
        """Insert a new token."""
        ...

    async def get(self, token_hash: str) -> EmailToken | None:
        """The token with this hash, spent or not, expired or not; None if there is none."""
        ...

    async def spend(self, token_hash: str, now: datetime) -> EmailToken | None:
        """Atomically mark a usable token (unspent, not expired at `now`) spent and return it as
        it was; None when it is unknown, spent or expired (of two concurrent calls one wins)."""
        ...

    async def spend_all(self, user_id: UUID, purpose: EmailTokenPurpose, now: datetime) -> int:
        """Mark every unspent token of the user for `purpose` spent; returns how many."""
        ...

    async def newest(self, user_id: UUID, purpose: EmailTokenPurpose) -> EmailToken | None:
        """The user's most recently created token for `purpose`, spent or not."""
        ...

    async def count_since(self, user_id: UUID, purpose: EmailTokenPurpose, since: datetime) -> int:
        """How many tokens of the user for `purpose` were created after `since`."""
        ...

    async def forget_ended(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` tokens that expired before `before`; returns how many."""
        ...
