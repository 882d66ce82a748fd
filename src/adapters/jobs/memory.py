"""The in-memory job queue (unit tests): jobs live in the memory store, so a unit of work that is
not committed enqueues nothing; `InProcessJobRunner.run_until_idle` runs them."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from adapters.jobs.payloads import (
    decode_payload,
    encode_payload,
    period_bounds,
    queueing_key,
    run_time,
)
from adapters.jobs.records import DOING, FAILED, TODO, StoredJob
from adapters.jobs.runner import ClaimedJob, JobStore
from adapters.memory.store import MemoryDatabase, MemoryState
from application.ports.clock import Clock
from application.ports.job_statistics import JobCounts, JobStatistics
from application.ports.task_queue import Payload, PeriodicTask, TaskQueue, TaskSpec

_ids = itertools.count(1)


def _insert(
    state: MemoryState,
    task: TaskSpec,
    payload: str,
    *,
    key: str | None,
    run_at: datetime,
    priority: int,
    now: datetime,
) -> bool:
    if key is not None and any(
        job.dedupe_key == key and job.status == TODO for job in state.jobs.values()
    ):
        return False
    job_id = next(_ids)
    state.jobs[job_id] = StoredJob(
        id=job_id,
        task=task.name,
        queue=task.queue,
        payload=payload,
        dedupe_key=key,
        priority=priority,
        status=TODO,
        attempts=0,
        run_at=run_at,
        created_at=now,
    )
    return True


class MemoryTaskQueue(TaskQueue):
    """Enqueues into the memory store's state, inside the unit of work that holds its lock."""

    def __init__(self, state: MemoryState, clock: Clock) -> None:
        self._state = state
        self._clock = clock

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
        text = encode_payload(payload)
        key = queueing_key(task, dedupe_key)
        now = self._clock.now()
        when = run_time(now, run_at, delay) or now
        return _insert(
            self._state,
            task,
            text,
            key=key,
            run_at=when,
            priority=task.priority if priority is None else priority,
            now=now,
        )


class MemoryJobStore(JobStore):
    """The `JobStore` of the in-process runner over the memory store."""

    def __init__(self, store: MemoryDatabase) -> None:
        self._store = store

    @property
    def _jobs(self) -> dict[int, StoredJob]:
        return self._store.state.jobs

    async def claim(
        self, queues: Collection[str] | None, runner: str, now: datetime
    ) -> ClaimedJob | None:
        async with self._store.lock:
            running = {job.dedupe_key for job in self._jobs.values() if job.status == DOING}
            due = [
                job
                for job in self._jobs.values()
                if job.status == TODO
                and job.run_at <= now
                and (queues is None or job.queue in queues)
                and (job.dedupe_key is None or job.dedupe_key not in running)
            ]
            if not due:
                return None
            job = min(due, key=lambda item: (-item.priority, item.id))
            taken = replace(
                job, status=DOING, attempts=job.attempts + 1, runner=runner, heartbeat_at=now
            )
            self._jobs[job.id] = taken
            return _claimed(taken)

    async def succeeded(self, job_id: int) -> None:
        async with self._store.lock:
            self._jobs.pop(job_id, None)

    async def retry(self, job_id: int, run_at: datetime, error: str) -> None:
        async with self._store.lock:
            job = self._jobs.get(job_id)
            if job is not None and job.status == DOING:
                self._jobs[job_id] = replace(
                    job, status=TODO, run_at=run_at, error=error, runner=None, heartbeat_at=None
                )

    async def failed(self, job_id: int, error: str, now: datetime) -> None:
        async with self._store.lock:
            job = self._jobs.get(job_id)
            if job is not None:
                self._jobs[job_id] = replace(
                    job, status=FAILED, error=error, runner=None, heartbeat_at=now
                )

    async def hand_back(self, job_id: int) -> None:
        async with self._store.lock:
            job = self._jobs.get(job_id)
            if job is not None and job.status == DOING:
                self._jobs[job_id] = replace(
                    job, status=TODO, attempts=job.attempts - 1, runner=None, heartbeat_at=None
                )

    async def heartbeat(self, runner: str, job_ids: Collection[int], now: datetime) -> None:
        async with self._store.lock:
            for job_id in job_ids:
                job = self._jobs.get(job_id)
                if job is not None and job.status == DOING and job.runner == runner:
                    self._jobs[job_id] = replace(job, heartbeat_at=now)

    async def stalled(self, heartbeat_before: datetime, limit: int) -> Sequence[ClaimedJob]:
        async with self._store.lock:
            return [
                _claimed(job)
                for job in self._jobs.values()
                if job.status == DOING
                and job.heartbeat_at is not None
                and job.heartbeat_at < heartbeat_before
            ][:limit]

    async def take_over(self, job: ClaimedJob, runner: str, now: datetime) -> bool:
        async with self._store.lock:
            stored = self._jobs.get(job.id)
            if stored is None or stored.status != DOING or stored.runner != job.runner:
                return False
            self._jobs[job.id] = replace(stored, runner=runner, heartbeat_at=now)
            return True

    async def fire_due_periodic(self, periodic: Sequence[PeriodicTask], now: datetime) -> int:
        fired = 0
        async with self._store.lock:
            state = self._store.state
            for item in periodic:
                start, end = period_bounds(now, item.every)
                if state.job_schedule.get(item.task.name, now) > now:
                    continue
                state.job_schedule[item.task.name] = end
                payload = encode_payload({"timestamp": int(start.timestamp())})
                fired += _insert(
                    state,
                    item.task,
                    payload,
                    key=item.key,
                    run_at=now,
                    priority=item.task.priority,
                    now=now,
                )
        return fired

    async def prune(self, failed_before: datetime) -> int:
        async with self._store.lock:
            old = [
                job.id
                for job in self._jobs.values()
                if job.status == FAILED and (job.heartbeat_at or job.created_at) < failed_before
            ]
            for job_id in old:
                del self._jobs[job_id]
            return len(old)

    def jobs(self) -> list[StoredJob]:
        """Every job kept (tests look at failed ones)."""
        return sorted(self._jobs.values(), key=lambda job: job.id)


class MemoryJobStatistics(JobStatistics):
    """Counts over the memory store's jobs."""

    def __init__(self, store: MemoryDatabase, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def counts(self) -> Sequence[JobCounts]:
        now = self._clock.now()
        groups: dict[tuple[str, str], dict[str, float]] = {}
        for job in list(self._store.state.jobs.values()):
            group = groups.setdefault(
                (job.queue, job.task),
                {"waiting": 0, "scheduled": 0, "running": 0, "failed": 0, "oldest": 0.0},
            )
            if job.status == TODO and job.run_at <= now:
                group["waiting"] += 1
                group["oldest"] = max(group["oldest"], (now - job.run_at).total_seconds())
            elif job.status == TODO:
                group["scheduled"] += 1
            elif job.status == DOING:
                group["running"] += 1
            else:
                group["failed"] += 1
        return [
            JobCounts(
                queue=queue,
                task=task,
                waiting=int(group["waiting"]),
                scheduled=int(group["scheduled"]),
                running=int(group["running"]),
                failed=int(group["failed"]),
                oldest_waiting_seconds=group["oldest"],
            )
            for (queue, task), group in sorted(groups.items())
        ]


def _claimed(job: StoredJob) -> ClaimedJob:
    return ClaimedJob(
        id=job.id,
        task=job.task,
        queue=job.queue,
        payload=decode_payload(job.payload),
        attempt=job.attempts,
        runner=job.runner,
    )
