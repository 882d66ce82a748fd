"""Pinned For You walks in this process (one instance)."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.ports.walk_store import PinnedWalk, WalkStore

MAX_WALKS = 10_000
"""Walks kept at most; the oldest go first beyond it."""


class MemoryWalkStore(WalkStore):
    """Walks with their expiry time, at most `MAX_WALKS` (oldest dropped first)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._walks: OrderedDict[UUID, tuple[PinnedWalk, datetime]] = OrderedDict()

    async def save(self, walk_id: UUID, walk: PinnedWalk, ttl_seconds: int) -> None:
        self._walks[walk_id] = (walk, self._clock.now() + timedelta(seconds=ttl_seconds))
        self._walks.move_to_end(walk_id)
        while len(self._walks) > MAX_WALKS:
            self._walks.popitem(last=False)

    async def load(self, walk_id: UUID) -> PinnedWalk | None:
        entry = self._walks.get(walk_id)
        if entry is None or entry[1] <= self._clock.now():
            return None
        return entry[0]
