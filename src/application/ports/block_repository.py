"""Port: blocks between accounts (write side)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.moderation import BlockRelation


class BlockRepository(Protocol):
    """Who blocks whom (unique per ordered pair), in the unit of work's transaction."""

    async def block(self, blocker_id: UUID, blocked_id: UUID, now: datetime) -> bool:
        """Create the block; False if it already existed (nothing changes then)."""
        ...

    async def unblock(self, blocker_id: UUID, blocked_id: UUID) -> bool:
        """Delete the block; False if there was none."""
        ...

    async def between(self, viewer_id: UUID, other_id: UUID) -> BlockRelation:
        """The blocks between two accounts in either direction, from `viewer_id`'s side."""
        ...

    async def lock_pair(self, first_id: UUID, second_id: UUID) -> None:
        """Until the unit of work ends, shut out other units of work that lock the same pair of
        accounts (in either order): a block and a follow between two accounts never interleave."""
        ...
