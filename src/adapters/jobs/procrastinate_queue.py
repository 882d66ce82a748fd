"""The PostgreSQL job queue: procrastinate, with jobs deferred on the unit of work's own connection.

A use case's `uow.tasks.defer(...)` calls procrastinate's deferral (`procrastinate_defer_jobs_v1`)
through `App.configure_task(..., connection=...)`, procrastinate's documented way to defer inside a
transaction the caller manages: the job commits or rolls back with the change that caused it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from procrastinate import App
from procrastinate import exceptions as procrastinate_errors
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.jobs.payloads import encode_payload, queueing_key, run_time
from application.errors import DependencyUnavailable
from application.ports.job_statistics import JobCounts, JobStatistics
from application.ports.task_queue import Payload, TaskQueue, TaskSpec


class ProcrastinateTaskQueue(TaskQueue):
    """Defers procrastinate jobs on the unit of work's psycopg connection.

    A dedupe key is procrastinate's queueing lock (one waiting job per key) and its lock (jobs
    sharing it never run at once). With a key, the deferral runs inside a savepoint, so that a
    duplicate (a unique violation) leaves the caller's transaction usable.
    """

    def __init__(self, connection: AsyncConnection, app: App) -> None:
        self._connection = connection
        self._app = app

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
        arguments: dict[str, Any] = json.loads(encode_payload(payload))
        key = queueing_key(task, dedupe_key)
        schedule_at = run_time(datetime.now(UTC), run_at, delay)
        raw = await self._connection.get_raw_connection()
        deferrer = self._app.configure_task(
            task.name,
            queue=task.queue,
            priority=task.priority if priority is None else priority,
            lock=key,
            queueing_lock=key,
            schedule_at=schedule_at,
            connection=raw.driver_connection,
        )
        try:
            if key is None:
                await deferrer.defer_async(**arguments)
                return True
            try:
                async with self._connection.begin_nested():
                    await deferrer.defer_async(**arguments)
            except procrastinate_errors.AlreadyEnqueued:
                return False
            return True
        except procrastinate_errors.ConnectorException as error:
            if isinstance(error.__cause__, psycopg.OperationalError):
                raise DependencyUnavailable("database") from error
            raise


_COUNTS = text(
    """
    SELECT j.queue_name AS queue, j.task_name AS task,
           count(*) FILTER (WHERE j.status = 'todo'
                            AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())) AS waiting,
           count(*) FILTER (WHERE j.status = 'todo' AND j.scheduled_at > now()) AS scheduled,
           count(*) FILTER (WHERE j.status = 'doing') AS running,
           count(*) FILTER (WHERE j.status IN ('failed', 'aborted')) AS failed,
           EXTRACT(EPOCH FROM now() - min(COALESCE(j.scheduled_at, since.at))
                   FILTER (WHERE j.status = 'todo'
                           AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())))::float8
               AS oldest
      FROM procrastinate_jobs j
      LEFT JOIN LATERAL (
            SELECT max(e.at) AS at FROM procrastinate_events e
             WHERE e.job_id = j.id AND e.type IN ('deferred', 'deferred_for_retry', 'retried')
      ) since ON j.status = 'todo' AND j.scheduled_at IS NULL
     WHERE j.status IN ('todo', 'doing', 'failed', 'aborted')
     GROUP BY j.queue_name, j.task_name
     ORDER BY j.queue_name, j.task_name
    """
)


class ProcrastinateJobStatistics(JobStatistics):
    """Counts over procrastinate's jobs in one grouped query (succeeded jobs are deleted at once,
    failed ones after a week, so the table stays small)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def counts(self) -> Sequence[JobCounts]:
        async with self._engine.connect() as connection:
            rows = (await connection.execute(_COUNTS)).all()
        return [
            JobCounts(
                queue=row.queue,
                task=row.task,
                waiting=int(row.waiting),
                scheduled=int(row.scheduled),
                running=int(row.running),
                failed=int(row.failed),
                oldest_waiting_seconds=max(0.0, float(row.oldest or 0.0)),
            )
            for row in rows
        ]
