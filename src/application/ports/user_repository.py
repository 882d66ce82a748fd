"""Port: the accounts store (write side)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation import Role
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
        """Delete an account and everything that belongs to it: sessions, videos (with what is on
        them), comments (with their replies), likes and follows (idempotent).

        Only rows go: the counters of what remains are the caller's (see `remove_account`).
        """
        ...

    async def lock_for_deletion(self, user_id: UUID) -> None:
        """Wait for, then shut out until the unit of work ends, concurrent writes that refer to
        the account: a follow, like or comment of theirs or on them, a reply to one of their
        comments. Counter changes made after this see every such row."""
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

    async def add_to_counters_of_followed(self, follower_id: UUID, *, followers: int) -> None:
        """Add `followers` to the follower count of every account that `follower_id` follows."""
        ...

    async def add_to_counters_of_followers(self, followee_id: UUID, *, following: int) -> None:
        """Add `following` to the following count of every account that follows `followee_id`."""
        ...

    async def add_to_counters_of_liked_owners(self, liker_id: UUID, *, likes: int) -> None:
        """Add `likes` to the like count of every other account, once per like of `liker_id` on
        one of its videos."""
        ...

    async def search_by_username_prefix(
        self, prefix: str, *, viewer_id: UUID | None, after: str | None, limit: int
    ) -> Sequence[User]:
        """Accounts listed for the viewer (`visibility.account_is_listed`) whose username starts
        with `prefix`, by username, after the keyset `after`."""
        ...

    async def set_role(self, user_id: UUID, role: Role) -> None:
        """Give the account this role."""
        ...

    async def set_suspended(self, user_id: UUID, suspended_at: datetime | None) -> None:
        """Suspend the account since `suspended_at`, or lift the suspension (None)."""
        ...
