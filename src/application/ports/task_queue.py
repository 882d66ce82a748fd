"""Port for background jobs: tasks, their retry policy, and the queue use cases enqueue on."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

Payload = Mapping[str, Any]
"""A job's arguments: a JSON object (strings, numbers, booleans, None, lists and nested objects)."""

DEFAULT_QUEUE = "default"
MEDIA_QUEUE = "media"
QUEUES = (MEDIA_QUEUE, DEFAULT_QUEUE)
"""Every queue: `media` (CPU-heavy processing, may run on machines of its own) and `default`."""

_NAME = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
MAX_NAME_LENGTH = 100
MAX_DEDUPE_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """How often a failing job runs, and how long it waits between attempts.

    `max_attempts` counts every run, the first included (1: never retried). The wait after the
    n-th failed attempt is `backoff * 2**(n-1)`, at most `max_backoff`.
    """

    max_attempts: int = 3
    backoff: timedelta = timedelta(seconds=10)
    max_backoff: timedelta = timedelta(minutes=10)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff < timedelta(0) or self.max_backoff < self.backoff:
            raise ValueError("backoff must be >= 0 and max_backoff >= backoff")

    def is_last(self, attempt: int) -> bool:
        """Whether the `attempt`-th run (1-based) is the last one allowed."""
        return attempt >= self.max_attempts

    def delay_after(self, attempt: int) -> timedelta | None:
        """The wait before the next run after the `attempt`-th run failed; None: no more runs."""
        if self.is_last(attempt):
            return None
        wait: timedelta = self.backoff * 2 ** max(0, attempt - 1)
        return min(self.max_backoff, wait)


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskSpec:
    """A kind of background job: its name, its queue, its retry policy, its default priority.

    Jobs of one task that share a dedupe key never run at the same time, and at most one of them
    waits in the queue (see `TaskQueue.defer`).
    """

    name: str
    queue: str = DEFAULT_QUEUE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    priority: int = 0

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name) or len(self.name) > MAX_NAME_LENGTH:
            raise ValueError(f"task name {self.name!r} must be dotted snake_case, <= 100 chars")
        if self.queue not in QUEUES:
            raise ValueError(f"queue {self.queue!r} must be one of {', '.join(QUEUES)}")


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodicTask:
    """A task that fires once per `every`, however many workers run, with an empty payload plus
    `timestamp` (the start of its period, in Unix seconds).

    Periods are aligned on the clock: `every` must divide a minute (in whole seconds), an hour (in
    whole minutes) or a day (in whole hours).
    """

    task: TaskSpec
    every: timedelta

    def __post_init__(self) -> None:
        if period_cron(self.every) is None:
            raise ValueError(
                f"period {self.every} of {self.task.name!r} must divide a minute, an hour or a day"
            )

    @property
    def key(self) -> str:
        """Jobs of a periodic task share this dedupe key: one waits, one runs at a time."""
        return f"periodic:{self.task.name}"


def period_cron(every: timedelta) -> str | None:
    """The cron expression (seconds as a 6th field) that fires once per `every`, aligned on the
    clock; None when `every` does not divide a minute, an hour or a day."""
    seconds = every.total_seconds()
    if seconds != int(seconds) or seconds < 1:
        return None
    whole = int(seconds)
    if whole < 60 and 60 % whole == 0:
        return f"* * * * * */{whole}"
    if whole % 60 == 0 and whole < 3600 and 3600 % whole == 0:
        return f"*/{whole // 60} * * * *"
    if whole % 3600 == 0 and whole <= 86400 and 86400 % whole == 0:
        return f"0 */{whole // 3600} * * *" if whole < 86400 else "0 0 * * *"
    return None


JobRun = Callable[[Payload], Awaitable[object]]
"""Runs one job: idempotent (a job may run again after a crash), raises to ask for a retry.

It must not block the event loop (CPU-heavy work goes to a thread or a child process: a blocked
loop sends no heartbeats, and the job would be taken up elsewhere). When a worker shuts down it may
be cancelled (`CancelledError`): it then stops what it started (a child process included), and the
job runs again elsewhere."""

JobGiveUp = Callable[[Payload, str], Awaitable[None]]
"""Runs once after the last allowed attempt failed, with a description of the error (e.g. marks a
video `failed`); idempotent too."""


@dataclass(frozen=True, slots=True)
class TaskBinding:
    """A task and the use case that runs its jobs (and, optionally, gives up on them)."""

    spec: TaskSpec
    run: JobRun
    give_up: JobGiveUp | None = None


class TaskQueue(Protocol):
    """Background jobs, enqueued in the caller's unit of work: the job exists if and only if the
    transaction commits."""

    async def defer(
        self,
        task: TaskSpec,
        payload: Payload | None = None,
        *,
        dedupe_key: str | None = None,
        run_at: datetime | None = None,
        delay: timedelta | None = None,
        priority: int | None = None,
    ) -> bool:
        """Enqueue a job of `task` with `payload` on the task's queue (to run after the commit).

        `dedupe_key`: while a job of this task with the same key waits to run, no second one is
        queued (returns False); jobs sharing a key never run at the same time. `run_at` or `delay`
        (not both): not before then. `priority`: higher runs first (default: the task's).
        Returns True when a job was queued.
        """
        ...
