"""Port for the per-account login lock-out."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

# The lock-out rule (see `application.auth.login.Login`): this many failed logins of one account
# within the window lock it out for the lock-out's length. Every store applies it.
MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_LOCKOUT = timedelta(minutes=15)


class LoginAttemptStore(Protocol):
    """Counts failed logins per account key within a window and holds lock-outs."""

    async def locked_for(self, key: str) -> int:
        """Seconds the key stays locked out (0 when it is not locked)."""
        ...

    async def record_failure(self, key: str) -> int:
        """Record a failed attempt; returns the seconds of lock-out it triggered (0 for none)."""
        ...

    async def reset(self, key: str) -> None:
        """Forget the failures of a key (after a successful login)."""
        ...
