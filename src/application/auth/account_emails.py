"""Issuing email tokens and queueing account emails (shared by the account-email use cases)."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.auth.session_tokens import hash_refresh_token
from application.jobs.catalog import SEND_EMAIL
from application.ports.unit_of_work import UnitOfWork
from domain.email_tokens import TOKEN_TTL, EmailToken, EmailTokenPurpose

EMAIL_TOKEN_BYTES = 32  # 256 bits
MAX_TOKEN_LENGTH = 512  # what a request may carry; real tokens have 43 characters


class AccountEmail(enum.StrEnum):
    """Every email the service sends; the value names its templates."""

    VERIFY_EMAIL = "verify_email"
    CONFIRM_EMAIL_CHANGE = "confirm_email_change"
    EMAIL_CHANGING = "email_changing"
    RESET_PASSWORD = "reset_password"  # noqa: S105 (a name, not a password)
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 (a name, not a password)


def hash_email_token(token: str) -> str:
    """Email tokens are stored only as their SHA-256 hex digest (like refresh tokens)."""
    return hash_refresh_token(token)


async def issue_token(
    uow: UnitOfWork, user_id: UUID, purpose: EmailTokenPurpose, email: str, now: datetime
) -> str:
    """Store a new token for `purpose` (hashed) in the unit of work; returns the token itself,
    which only the email will carry."""
    token = secrets.token_urlsafe(EMAIL_TOKEN_BYTES)
    await uow.email_tokens.add(
        EmailToken(
            token_hash=hash_email_token(token),
            user_id=user_id,
            purpose=purpose,
            email=email,
            created_at=now,
            expires_at=now + TOKEN_TTL[purpose],
        )
    )
    return token


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailRequest:
    """The payload of a `SEND_EMAIL` job."""

    kind: AccountEmail
    to: str
    username: str
    token: str | None = None
    new_email: str | None = None

    def __repr__(self) -> str:
        return f"EmailRequest(kind={self.kind}, to={self.to!r})"

    def payload(self) -> dict[str, str]:
        payload = {"kind": str(self.kind), "to": self.to, "username": self.username}
        if self.token is not None:
            payload["token"] = self.token
        if self.new_email is not None:
            payload["new_email"] = self.new_email
        return payload


async def queue_email(uow: UnitOfWork, request: EmailRequest) -> None:
    """Queue the email in the unit of work: it is sent if and only if the transaction commits."""
    await uow.tasks.defer(SEND_EMAIL, request.payload())
