"""Port: the accounts store (write side)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from domain.users import User


class UserRepository(Protocol):
    """Stores accounts; raises `UsernameTaken`/`EmailTaken` on a unique clash."""

    async def add(self, user: User) -> None:
        """Insert a new account."""
        ...

    async def update(self, user: User) -> None:
        """Replace the stored profile fields and password hash of an existing account."""
        ...

    async def delete(self, user_id: UUID) -> None:
        """Delete an account and everything that belongs to it: sessions, videos, comments (with
        their replies), likes and follows, keeping the counters of every other account, video and
        comment equal to what remains."""
        ...

    async def get(self, user_id: UUID) -> User | None:
        """The account with this id, if any."""
        ...

    async def get_by_username(self, username: str) -> User | None:
        """The account with this (normalised) username, if any."""
        ...

    async def get_by_login(self, login: str) -> User | None:
        """The account whose username or email equals this normalised login, if any."""
        ...

    async def add_to_counters(
        self,
        user_id: UUID,
        *,
        followers: int = 0,
        following: int = 0,
        videos: int = 0,
        likes: int = 0,
    ) -> None:
        """Atomically add these deltas to the account's counters (in the caller's transaction)."""
        ...

    async def search_by_username_prefix(
        self, prefix: str, *, after: str | None, limit: int
    ) -> Sequence[User]:
        """Accounts whose username starts with `prefix`, by username, after the keyset `after`."""
        ...
