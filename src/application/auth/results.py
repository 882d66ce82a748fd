"""What the login-type use cases return."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.moderation import Role
from domain.users import User


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request."""

    user_id: UUID
    session_id: UUID
    role: Role = Role.USER  # read from the database with the session, on every request


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """A fresh access token and refresh token for a session, and the account they are for."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: User

    def __repr__(self) -> str:  # tokens never reach logs
        return f"IssuedTokens(user={self.user.id}, expires_in={self.expires_in})"
