"""In-memory queue of stored objects to delete."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from adapters.memory.store import MemoryState
from application.ports.deletion_queue import DeletionQueue, PendingDeletion


class MemoryDeletionQueue(DeletionQueue):
    """Pending deletions keyed by storage key, with the time of their next attempt."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def enqueue(self, items: Sequence[PendingDeletion], now: datetime) -> None:
        for item in items:
            self._state.deletions.setdefault(item.key, (item, now))

    async def due(self, now: datetime, limit: int) -> Sequence[PendingDeletion]:
        due = sorted(
            (when, item.key, item) for item, when in self._state.deletions.values() if when <= now
        )
        return [item for _, _, item in due[:limit]]

    async def done(self, key: str) -> None:
        self._state.deletions.pop(key, None)

    async def retry_later(self, key: str, not_before: datetime) -> None:
        if key in self._state.deletions:
            item, _ = self._state.deletions[key]
            self._state.deletions[key] = (
                dataclasses.replace(item, attempts=item.attempts + 1),
                not_before,
            )
