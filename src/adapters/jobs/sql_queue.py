"""The in-process job queue on SQL (the embedded SQLite default): our own `job_queue` table, written
on the unit of work's connection (the job commits or rolls back with the change that caused it)
and run by `InProcessJobRunner` through `SqlJobStore`."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from adapters.jobs.payloads import (
    decode_payload,
    encode_payload,
    period_bounds,
    queueing_key,
    run_time,
)
from adapters.jobs.records import DOING, FAILED, TODO
from adapters.jobs.runner import ClaimedJob, JobStore
from adapters.sqlalchemy.statements import insert_ignoring_conflicts
from adapters.sqlalchemy.tables import job_queue, job_schedule
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.clock import Clock
from application.ports.job_statistics import JobCounts, JobStatistics
from application.ports.task_queue import Payload, PeriodicTask, TaskQueue, TaskSpec


def _job_row(
    task: TaskSpec,
    payload: str,
    *,
    key: str | None,
    priority: int,
    run_at: datetime,
    now: datetime,
) -> dict[str, object]:
    return {
        "queue": task.queue,
        "task": task.name,
        "payload": payload,
        "dedupe_key": key,
        "priority": priority,
        "status": TODO,
        "attempts": 0,
        "run_at": run_at,
        "created_at": now,
    }


class SqlTaskQueue(TaskQueue):
    """Enqueues into `job_queue` on the unit of work's connection: one `INSERT ... ON CONFLICT DO
    NOTHING` (a waiting job with the same dedupe key wins)."""

    def __init__(
        self,
        connection: AsyncConnection,
        clock: Clock,
        on_enqueue: Callable[[], None] | None = None,
    ) -> None:
        self._connection = connection
        self._clock = clock
        self._on_enqueue = on_enqueue

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
        row = _job_row(
            task,
            text,
            key=key,
            priority=task.priority if priority is None else priority,
            run_at=run_time(now, run_at, delay) or now,
            now=now,
        )
        result = await self._connection.execute(
            insert_ignoring_conflicts(self._connection.dialect.name, job_queue), row
        )
        if self._on_enqueue is not None:
            # On SQLite the runner's next claim waits for this transaction's write lock, so it
            # sees the job as soon as it commits.
            self._on_enqueue()
        return bool(result.rowcount)


class SqlJobStore(JobStore):
    """The `JobStore` of the in-process runner over `job_queue` (each call one transaction)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(
        self, queues: Collection[str] | None, runner: str, now: datetime
    ) -> ClaimedJob | None:
        candidate = job_queue.alias("candidate")
        running = job_queue.alias("running")
        conditions = [candidate.c.status == TODO, candidate.c.run_at <= now]
        if queues is not None:
            conditions.append(candidate.c.queue.in_(sorted(queues)))
        key_free = or_(
            candidate.c.dedupe_key.is_(None),
            ~exists().where(
                running.c.dedupe_key == candidate.c.dedupe_key, running.c.status == DOING
            ),
        )
        next_id = (
            select(candidate.c.id)
            .where(*conditions, key_free)
            .order_by(candidate.c.priority.desc(), candidate.c.id)
            .limit(1)
            .scalar_subquery()
        )
        statement = (
            update(job_queue)
            .where(job_queue.c.id == next_id, job_queue.c.status == TODO)
            .values(
                status=DOING, attempts=job_queue.c.attempts + 1, runner=runner, heartbeat_at=now
            )
            .returning(
                job_queue.c.id,
                job_queue.c.task,
                job_queue.c.queue,
                job_queue.c.payload,
                job_queue.c.attempts,
            )
        )
        async with self._engine.begin() as connection:
            row = (await connection.execute(statement)).first()
        if row is None:
            return None
        return ClaimedJob(
            id=row.id,
            task=row.task,
            queue=row.queue,
            payload=decode_payload(row.payload),
            attempt=row.attempts,
            runner=runner,
        )

    async def succeeded(self, job_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(delete(job_queue).where(job_queue.c.id == job_id))

    async def retry(self, job_id: int, run_at: datetime, error: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(job_queue)
                .where(job_queue.c.id == job_id, job_queue.c.status == DOING)
                .values(status=TODO, run_at=run_at, error=error, runner=None, heartbeat_at=None)
            )

    async def failed(self, job_id: int, error: str, now: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(job_queue)
                .where(job_queue.c.id == job_id)
                .values(status=FAILED, error=error, runner=None, heartbeat_at=now)
            )

    async def hand_back(self, job_id: int) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(job_queue)
                .where(job_queue.c.id == job_id, job_queue.c.status == DOING)
                .values(
                    status=TODO,
                    attempts=job_queue.c.attempts - 1,
                    runner=None,
                    heartbeat_at=None,
                )
            )

    async def heartbeat(self, runner: str, job_ids: Collection[int], now: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(job_queue)
                .where(
                    job_queue.c.id.in_(sorted(job_ids)),
                    job_queue.c.status == DOING,
                    job_queue.c.runner == runner,
                )
                .values(heartbeat_at=now)
            )

    async def stalled(self, heartbeat_before: datetime, limit: int) -> Sequence[ClaimedJob]:
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(job_queue)
                .where(job_queue.c.status == DOING, job_queue.c.heartbeat_at < heartbeat_before)
                .order_by(job_queue.c.id)
                .limit(limit)
            )
            return [
                ClaimedJob(
                    id=row.id,
                    task=row.task,
                    queue=row.queue,
                    payload=decode_payload(row.payload),
                    attempt=row.attempts,
                    runner=row.runner,
                )
                for row in rows
            ]

    async def take_over(self, job: ClaimedJob, runner: str, now: datetime) -> bool:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(job_queue)
                .where(
                    job_queue.c.id == job.id,
                    job_queue.c.status == DOING,
                    job_queue.c.runner == job.runner,
                )
                .values(runner=runner, heartbeat_at=now)
            )
            return bool(result.rowcount)

    async def fire_due_periodic(self, periodic: Sequence[PeriodicTask], now: datetime) -> int:
        if not periodic:
            return 0
        fired = 0
        async with self._engine.begin() as connection:
            schedule = {
                row.task: row.next_run_at for row in await connection.execute(select(job_schedule))
            }
            for item in periodic:
                name = item.task.name
                planned = schedule.get(name)
                if planned is not None and planned > now:
                    continue
                start, end = period_bounds(now, item.every)
                if planned is None:
                    claimed = await connection.execute(
                        insert_ignoring_conflicts(connection.dialect.name, job_schedule),
                        {"task": name, "next_run_at": end},
                    )
                else:  # compare-and-set: one runner fires each period
                    claimed = await connection.execute(
                        update(job_schedule)
                        .where(job_schedule.c.task == name, job_schedule.c.next_run_at == planned)
                        .values(next_run_at=end)
                    )
                if not claimed.rowcount:
                    continue
                row = _job_row(
                    item.task,
                    encode_payload({"timestamp": int(start.timestamp())}),
                    key=item.key,
                    priority=item.task.priority,
                    run_at=now,
                    now=now,
                )
                queued = await connection.execute(
                    insert_ignoring_conflicts(connection.dialect.name, job_queue), row
                )
                fired += queued.rowcount
        return fired

    async def prune(self, failed_before: datetime) -> int:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(job_queue).where(
                    job_queue.c.status == FAILED, job_queue.c.heartbeat_at < failed_before
                )
            )
            return result.rowcount


class SqlJobStatistics(JobStatistics):
    """Counts over `job_queue`, in one grouped query."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def counts(self) -> Sequence[JobCounts]:
        now = self._clock.now()
        due = and_(job_queue.c.status == TODO, job_queue.c.run_at <= now)

        def count(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        statement = (
            select(
                job_queue.c.queue,
                job_queue.c.task,
                count(due).label("waiting"),
                count(and_(job_queue.c.status == TODO, job_queue.c.run_at > now)).label(
                    "scheduled"
                ),
                count(job_queue.c.status == DOING).label("running"),
                count(job_queue.c.status == FAILED).label("failed"),
                func.min(case((due, job_queue.c.run_at)), type_=UtcDateTime).label("oldest"),
            )
            .group_by(job_queue.c.queue, job_queue.c.task)
            .order_by(job_queue.c.queue, job_queue.c.task)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        return [
            JobCounts(
                queue=row.queue,
                task=row.task,
                waiting=int(row.waiting),
                scheduled=int(row.scheduled),
                running=int(row.running),
                failed=int(row.failed),
                oldest_waiting_seconds=(
                    max(0.0, (now - row.oldest).total_seconds()) if row.oldest else 0.0
                ),
            )
            for row in rows
        ]
