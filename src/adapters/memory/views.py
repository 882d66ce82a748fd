"""In-process view de-duplication (one instance)."""

from __future__ import annotations

from datetime import datetime, timedelta

from application.ports.clock import Clock
from application.ports.view_deduplicator import ViewDeduplicator

_PRUNE_ABOVE = 100_000


class MemoryViewDeduplicator(ViewDeduplicator):
    """Keys with their expiry time; expired keys are pruned when the map grows large."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._expires: dict[str, datetime] = {}

    async def first_in_window(self, key: str, window_seconds: int) -> bool:
        now = self._clock.now()
        expires = self._expires.get(key)
        if expires is not None and expires > now:
            return False
        if len(self._expires) > _PRUNE_ABOVE:
            self._expires = {k: t for k, t in self._expires.items() if t > now}
        self._expires[key] = now + timedelta(seconds=window_seconds)
        return True
