"""Port for deferred storage clean-up: objects to delete once their rows are gone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PendingDeletion:
    """A stored object (and its open multipart upload, if any) to delete once its rows are gone."""

    key: str
    upload_id: str | None = None
    attempts: int = 0


class DeletionQueue(Protocol):
    """Objects to delete from storage, recorded in the same transaction that deleted their rows."""

    async def enqueue(self, items: Sequence[PendingDeletion], now: datetime) -> None:
        """Record objects to delete (idempotent per key)."""
        ...

    async def due(self, now: datetime, limit: int) -> Sequence[PendingDeletion]:
        """Deletions whose next attempt is due."""
        ...

    async def done(self, key: str) -> None:
        """Forget a deletion that succeeded."""
        ...

    async def retry_later(self, key: str, not_before: datetime) -> None:
        """Count a failed attempt and schedule the next one."""
        ...
