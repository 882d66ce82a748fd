"""Tasks for the worker tests only, loaded by `clipstream worker` through
`CLIPSTREAM_TASK_MODULES=tests.support.jobs` (the documented hook for extra task modules).

Every task writes what it did to `test_job_effects` (created by the test) with the worker's pid:
- `tests.count {key}`: one `done` row, so that "each job's effect exactly once" can be counted;
- `tests.long {key, seconds}`: a `started` row (committed at once), a wait, then a `done` row;
- `tests.tick` (periodic every `CLIPSTREAM_TEST_TICK_SECONDS`, when set): one `tick` row per
  period, keyed by the period's timestamp.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from application.ports.task_queue import Payload, PeriodicTask, RetryPolicy, TaskBinding, TaskSpec

EFFECTS_TABLE = """
CREATE TABLE IF NOT EXISTS test_job_effects (
    key text NOT NULL,
    event text NOT NULL,
    pid integer NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
)
"""

_RETRY = RetryPolicy(max_attempts=3, backoff=timedelta(0), max_backoff=timedelta(0))
COUNT = TaskSpec(name="tests.count", retry=_RETRY)
LONG = TaskSpec(name="tests.long", retry=_RETRY)
TICK = TaskSpec(name="tests.tick", retry=_RETRY)


async def record(engine: AsyncEngine, key: str, event: str) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO test_job_effects (key, event, pid) VALUES (:key, :event, :pid)"),
            {"key": key, "event": event, "pid": os.getpid()},
        )


def task_bindings(container: Any) -> Iterable[TaskBinding]:
    engine: AsyncEngine = container.adapters.engine()

    async def count(payload: Payload) -> None:
        await record(engine, payload["key"], "done")

    async def long(payload: Payload) -> None:
        await record(engine, payload["key"], "started")
        await asyncio.sleep(float(payload["seconds"]))
        await record(engine, payload["key"], "done")

    async def tick(payload: Payload) -> None:
        await record(engine, str(payload["timestamp"]), "tick")

    return [TaskBinding(COUNT, count), TaskBinding(LONG, long), TaskBinding(TICK, tick)]


def periodic_tasks() -> Iterable[PeriodicTask]:
    seconds = os.environ.get("CLIPSTREAM_TEST_TICK_SECONDS")
    if not seconds:
        return []
    return [PeriodicTask(task=TICK, every=timedelta(seconds=int(seconds)))]
