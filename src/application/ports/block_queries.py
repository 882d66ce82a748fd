"""Port: the accounts a user blocks (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.users import User

BlockKey = tuple[datetime, UUID]
"""A keyset position in a block list: (blocked at, the blocked user's id), descending."""


@dataclass(frozen=True, slots=True)
class BlockEntry:
    """An account the user blocks, and since when."""

    user: User
    blocked_at: datetime


class BlockQueries(Protocol):
    """The block list, outside any transaction."""

    async def blocked(
        self, blocker_id: UUID, *, after: BlockKey | None, limit: int
    ) -> Sequence[BlockEntry]:
        """The accounts `blocker_id` blocks, newest block first."""
        ...
