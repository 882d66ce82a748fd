"""Port for the state of the job queue, as operators watch it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True, kw_only=True)
class JobCounts:
    """Jobs of one task on one queue: due and waiting, scheduled for later, running, failed
    (kept for a while after their last attempt), and how long the oldest due one has waited."""

    queue: str
    task: str
    waiting: int = 0
    scheduled: int = 0
    running: int = 0
    failed: int = 0
    oldest_waiting_seconds: float = 0.0


class JobStatistics(Protocol):
    """Counts of the jobs in the queue, read in one cheap query."""

    async def counts(self) -> Sequence[JobCounts]:
        """One entry per (queue, task) that has any job waiting, scheduled, running or failed."""
        ...
