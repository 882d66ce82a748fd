"""Port: watch signals and counted views by hour (the write side of discovery)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.watching import Watch


class WatchRepository(Protocol):
    """Watches of signed-in viewers (one row per viewer and video), counted views per video and
    hour, and the trending table they feed; in the unit of work's transaction."""

    async def record_watch(self, watch: Watch) -> None:
        """Store the viewer's latest watch of the video (replacing an earlier one)."""
        ...

    async def mark_not_interested(self, user_id: UUID, video_id: UUID, at: datetime) -> None:
        """Remember that the viewer wants the video never again in their For You (idempotent)."""
        ...

    async def count_view(self, video_id: UUID, hour: datetime) -> None:
        """Add one counted view to the video's count for that hour."""
        ...

    async def forget_watches_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to `limit` watches made before `cutoff`; how many went."""
        ...

    async def forget_view_hours_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to `limit` counts of views of hours before `cutoff`; how many went."""
        ...

    async def refresh_trending(self, since: datetime, size: int) -> None:
        """Replace the trending table with the `size` hashtags of published videos with the most
        counted views in hours from `since` on (ties: the tag, alphabetically), each with how many
        published videos carry it."""
        ...
