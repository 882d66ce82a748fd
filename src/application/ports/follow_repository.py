"""Port: who follows whom (write side)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID


class FollowRepository(Protocol):
    """Who follows whom (unique per pair)."""

    async def add(self, follower_id: UUID, followee_id: UUID, now: datetime) -> bool:
        """Create the follow; False if it already existed (nothing changes then)."""
        ...

    async def remove(self, follower_id: UUID, followee_id: UUID) -> bool:
        """Delete the follow; False if there was none."""
        ...
