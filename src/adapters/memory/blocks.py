"""In-memory blocks, and the visibility rule's inputs that the memory read side looks up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from adapters.memory.store import MemoryDatabase, MemoryState
from application.common.visibility import is_listed
from application.ports.block_queries import BlockEntry, BlockKey, BlockQueries
from application.ports.block_repository import BlockRepository
from domain.errors import NotFound
from domain.moderation import NO_BLOCK, BlockRelation, ModerationState


def relation(state: MemoryState, viewer_id: UUID | None, other_id: UUID) -> BlockRelation:
    """The blocks between the viewer and another account, from the viewer's side."""
    if viewer_id is None or viewer_id == other_id:
        return NO_BLOCK
    return BlockRelation(
        blocking=(viewer_id, other_id) in state.blocks,
        blocked_by=(other_id, viewer_id) in state.blocks,
    )


def listed(
    state: MemoryState, viewer_id: UUID | None, author_id: UUID, moderation: ModerationState
) -> bool:
    """`visibility.is_listed` of content by `author_id`, looked up in the state."""
    author = state.users[author_id]
    return is_listed(viewer_id, author, relation(state, viewer_id, author_id), moderation)


class MemoryBlockRepository(BlockRepository):
    """Blocks keyed by (blocker, blocked)."""

    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def block(self, blocker_id: UUID, blocked_id: UUID, now: datetime) -> bool:
        if blocker_id not in self._state.users or blocked_id not in self._state.users:
            raise NotFound("The user does not exist.")
        if (blocker_id, blocked_id) in self._state.blocks:
            return False
        self._state.blocks[(blocker_id, blocked_id)] = now
        return True

    async def unblock(self, blocker_id: UUID, blocked_id: UUID) -> bool:
        return self._state.blocks.pop((blocker_id, blocked_id), None) is not None

    async def between(self, viewer_id: UUID, other_id: UUID) -> BlockRelation:
        return relation(self._state, viewer_id, other_id)

    async def lock_pair(self, first_id: UUID, second_id: UUID) -> None:
        """Nothing to do: a unit of work holds the store's lock."""


class MemoryBlockQueries(BlockQueries):
    """The block list over the in-memory state."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    async def blocked(
        self, blocker_id: UUID, *, after: BlockKey | None, limit: int
    ) -> Sequence[BlockEntry]:
        async with self._store.lock:
            state = self._store.state
            keys = sorted(
                (
                    (when, blocked)
                    for (blocker, blocked), when in state.blocks.items()
                    if blocker == blocker_id and (after is None or (when, blocked) < after)
                ),
                reverse=True,
            )[:limit]
            return [
                BlockEntry(user=state.users[user_id], blocked_at=when) for when, user_id in keys
            ]
