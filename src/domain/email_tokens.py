"""Single-use tokens that emails carry: verify an address, confirm an email change, reset a
password."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID


class EmailTokenPurpose(enum.StrEnum):
    """What a token proves; each has its lifetime (`TOKEN_TTL`)."""

    VERIFY_EMAIL = "verify_email"
    CHANGE_EMAIL = "change_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 (a name, not a password)


TOKEN_TTL: dict[EmailTokenPurpose, timedelta] = {
    EmailTokenPurpose.VERIFY_EMAIL: timedelta(hours=24),
    EmailTokenPurpose.CHANGE_EMAIL: timedelta(hours=24),
    EmailTokenPurpose.RESET_PASSWORD: timedelta(hours=1),
}


@dataclass(frozen=True, slots=True)
class EmailToken:
    """A token known only by its SHA-256 hash, sent to `email` for `user_id`.

    `email` is the address the link went to: the account's address for a verification or a reset,
    the new address for an email change. Spent once used; useless after `expires_at`.
    """

    token_hash: str
    user_id: UUID
    purpose: EmailTokenPurpose
    email: str
    created_at: datetime
    expires_at: datetime
    spent_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.spent_at is None and now < self.expires_at
