"""Port: short-lived signed access tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """What a verified access token asserts."""

    user_id: UUID
    session_id: UUID
    issued_at: datetime
    expires_at: datetime


class TokenService(Protocol):
    """Issues and verifies short-lived signed access tokens."""

    @property
    def access_ttl_seconds(self) -> int:
        """Lifetime of an access token, in seconds."""
        ...

    def issue_access_token(self, user_id: UUID, session_id: UUID, now: datetime) -> str:
        """A signed access token for this user and session."""
        ...

    def verify_access_token(self, token: str, now: datetime) -> AccessClaims:
        """The claims of a valid token; raises `InvalidToken` otherwise."""
        ...
