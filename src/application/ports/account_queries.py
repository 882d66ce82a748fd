"""Read-side lookups of accounts and sessions (committed state, outside any unit of work)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from domain.moderation import BlockRelation, Role
from domain.sessions import Session
from domain.users import User


@dataclass(frozen=True, slots=True)
class AccountView:
    """An account and the blocks between it and the viewer (from the viewer's side)."""

    user: User
    block: BlockRelation


@dataclass(frozen=True, slots=True)
class Caller:
    """A session and its account's current role (read together on every signed-in request)."""

    session: Session
    role: Role


class AccountQueries(Protocol):
    """The lookups made on every signed-in request: they need no transaction."""

    async def session(self, session_id: UUID) -> Session | None:
        """The session with this id, revoked or not; None if there is none."""
        ...

    async def user(self, user_id: UUID) -> User | None:
        """The user with this id; None if there is none."""
        ...

    async def user_by_username(self, username: str) -> User | None:
        """The user with this (normalised) username; None if there is none."""
        ...

    async def account(
        self, user_id: UUID | None, username: str | None, viewer_id: UUID | None
    ) -> AccountView | None:
        """The account with this id (or else this normalised username) and the blocks between it
        and the viewer, in one round trip; None if there is none."""
        ...

    async def caller(self, session_id: UUID) -> Caller | None:
        """The session with this id and its account's role, in one round trip; None if there is
        no such session."""
        ...
