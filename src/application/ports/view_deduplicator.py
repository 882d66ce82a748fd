"""Port for counting a video view once per viewer per window."""

from __future__ import annotations

from typing import Protocol


class ViewDeduplicator(Protocol):
    """Remembers recent (video, viewer) pairs; shared across instances when backed by Redis."""

    async def first_in_window(self, key: str, window_seconds: int) -> bool:
        """True if `key` was not seen in the last `window_seconds` (and remember it now)."""
        ...
