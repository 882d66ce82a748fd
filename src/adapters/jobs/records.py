"""A job as the in-memory store keeps it (immutable, like every entity of that store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

TODO = "todo"
DOING = "doing"
FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredJob:
    """One job: `attempts` counts the runs started so far; `payload` is JSON text."""

    id: int
    task: str
    queue: str
    payload: str
    dedupe_key: str | None
    priority: int
    status: str
    attempts: int
    run_at: datetime
    created_at: datetime
    runner: str | None = None
    heartbeat_at: datetime | None = None
    error: str | None = None
