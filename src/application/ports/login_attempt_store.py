"""Port for the per-account login lock-out."""

from __future__ import annotations

from typing import Protocol


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
