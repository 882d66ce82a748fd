"""Port: the pinned pages of personalised For You walks (shared by every instance)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class PinnedWalk:
    """The personalised head of a walk, as it was ranked when the walk began: its pages of video
    ids, where the global ranking continues after them (`resume_rank`, `resume_id`: the last
    top candidate's global key; None when the window had no more videos), and the head's videos
    from beyond that point (`pinned`: followed and fresh ones), which the rest of the walk leaves
    out."""

    pages: Sequence[Sequence[UUID]]
    resume_rank: float | None
    resume_id: UUID | None
    pinned: Sequence[UUID] = ()


class WalkStore(Protocol):
    """Pinned walks by id, kept for a while (Redis when configured, else this process)."""

    async def save(self, walk_id: UUID, walk: PinnedWalk, ttl_seconds: int) -> None:
        """Keep the walk for `ttl_seconds`."""
        ...

    async def load(self, walk_id: UUID) -> PinnedWalk | None:
        """The walk, or None when it expired or never was."""
        ...
