"""Re-checking the password of a signed-in account before a sensitive change."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.login_attempt_store import LoginAttemptStore
from application.ports.password_hasher import PasswordHasher
from domain.errors import Forbidden, TooManyAttempts
from domain.users import User


def lockout_key(subject: str) -> str:
    """The lock-out key of an account (its id) or of an unknown login (the normalised text)."""
    return f"login:{subject}"


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    """Verifies a password again; failures count towards the account's login lock-out."""

    hasher: PasswordHasher
    attempts: LoginAttemptStore

    async def require(self, user: User, password: str) -> None:
        """Return if `password` is the account's; raise `Forbidden` or `TooManyAttempts` if not."""
        key = lockout_key(str(user.id))
        if retry_after := await self.attempts.locked_for(key):
            raise TooManyAttempts(retry_after)
        if not await self.hasher.verify(password, user.password_hash):
            await self.attempts.record_failure(key)
            raise Forbidden("The password is incorrect.")
        await self.attempts.reset(key)
