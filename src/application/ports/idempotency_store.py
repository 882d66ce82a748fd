"""Port for idempotency keys: a retried request replays the first response."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """The response of the first request with a key."""

    status_code: int
    body: bytes


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """A claimed key: `response` is None while the first request is still running."""

    fingerprint: str
    created_at: datetime
    response: StoredResponse | None


class IdempotencyStore(Protocol):
    """Claims keys atomically per scope (user and operation) and keeps responses for replay."""

    async def claim(
        self, scope: str, key: str, fingerprint: str, now: datetime, *, stale_before: datetime
    ) -> IdempotencyRecord | None:
        """Claim a new key (None), or return the existing record.

        A record older than `stale_before` that never got a response (its request died) is
        replaced by this claim.
        """
        ...

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        """Store the response of a claimed key."""
        ...

    async def release(self, scope: str, key: str) -> None:
        """Drop a claim whose request failed, so that a retry can run."""
        ...

    async def purge(self, older_than: datetime) -> int:
        """Forget records created before `older_than`; returns how many."""
        ...
