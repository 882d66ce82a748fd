"""One contract suite for the `TaskQueue` port and the workers behind it, run on every adapter: the
memory queue and the in-process runner over SQLite (both on a manual clock), and procrastinate on
PostgreSQL (a real procrastinate worker in this process, run until the queue is empty).

"Advancing the clock" on PostgreSQL moves the scheduled jobs' times back instead, which is the same
thing as far as a worker can tell.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from procrastinate import App
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.jobs.memory import MemoryJobStatistics, MemoryJobStore
from adapters.jobs.procrastinate_queue import ProcrastinateJobStatistics
from adapters.jobs.procrastinate_worker import build_app, retry_stalled_jobs
from adapters.jobs.registry import JobRegistry
from adapters.jobs.runner import Doorbell, InProcessJobRunner, JobStore
from adapters.jobs.sql_queue import SqlJobStatistics, SqlJobStore
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.tables import job_queue
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from application.ports.job_statistics import JobCounts, JobStatistics
from application.ports.task_queue import (
    MEDIA_QUEUE,
    Payload,
    PeriodicTask,
    RetryPolicy,
    TaskBinding,
    TaskSpec,
)
from application.ports.unit_of_work import UnitOfWorkFactory
from entrypoints.composition.job_queues import libpq_conninfo, task_queue_factory
from tests.support.clock import ManualClock

STALLED_AFTER = timedelta(minutes=1)
NO_WAIT = RetryPolicy(max_attempts=3, backoff=timedelta(0), max_backoff=timedelta(0))
RECORD = TaskSpec(name="tests.record", retry=NO_WAIT)
OTHER = TaskSpec(name="tests.other", retry=NO_WAIT)
MEDIA = TaskSpec(name="tests.media", queue=MEDIA_QUEUE, retry=NO_WAIT)
FLAKY = TaskSpec(
    name="tests.flaky",
    retry=RetryPolicy(
        max_attempts=3, backoff=timedelta(seconds=10), max_backoff=timedelta(minutes=1)
    ),
)
DOOMED = TaskSpec(name="tests.doomed", retry=NO_WAIT)
FRAGILE = TaskSpec(name="tests.fragile", retry=RetryPolicy(max_attempts=1))
PROCRASTINATE_TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers"
)


@dataclass
class Effects:
    """What the handlers saw: every run's payload by task, give-up calls, failures to inject."""

    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    gave_up: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    failures_left: int = 0

    def of(self, task: TaskSpec) -> list[dict[str, Any]]:
        return self.runs.get(task.name, [])


def _registry(effects: Effects, periodic: Sequence[PeriodicTask] = ()) -> JobRegistry:
    def recorder(spec: TaskSpec) -> Callable[[Payload], Awaitable[None]]:
        async def run(payload: Payload) -> None:
            effects.runs.setdefault(spec.name, []).append(dict(payload))

        return run

    async def flaky(payload: Payload) -> None:
        effects.runs.setdefault(FLAKY.name, []).append(dict(payload))
        if effects.failures_left > 0:
            effects.failures_left -= 1
            raise RuntimeError("storage said no")

    async def doomed(payload: Payload) -> None:
        effects.runs.setdefault(DOOMED.name, []).append(dict(payload))
        raise RuntimeError("this video cannot be decoded")

    async def give_up(payload: Payload, reason: str) -> None:
        effects.gave_up.append((dict(payload), reason))

    return JobRegistry.build(
        [
            TaskBinding(RECORD, recorder(RECORD)),
            TaskBinding(OTHER, recorder(OTHER)),
            TaskBinding(MEDIA, recorder(MEDIA)),
            TaskBinding(FLAKY, flaky),
            TaskBinding(DOOMED, doomed, give_up),
            TaskBinding(FRAGILE, recorder(FRAGILE), give_up),
        ],
        periodic,
    )


class Harness:
    """One adapter: units of work whose `tasks` enqueue, a way to run every due job, time."""

    uow: UnitOfWorkFactory
    statistics: JobStatistics
    effects: Effects

    def now(self) -> datetime:
        return CLOCK.now()

    async def run_until_idle(self, queues: Sequence[str] | None = None) -> None:
        raise NotImplementedError

    async def advance(self, delta: timedelta) -> None:
        raise NotImplementedError

    async def abandon_next_job(self) -> None:
        """A worker takes the next job and dies (no heartbeat any more)."""
        raise NotImplementedError

    async def take_up_stalled_jobs(self) -> None:
        raise NotImplementedError

    async def failed_jobs(self) -> list[str]:
        raise NotImplementedError


class InProcessHarness(Harness):
    def __init__(self, uow: UnitOfWorkFactory, store: JobStore, statistics: JobStatistics) -> None:
        self.uow = uow
        self.store = store
        self.statistics = statistics
        self.effects = Effects()
        self.clock = CLOCK

    def runner(self, queues: Sequence[str] | None = None) -> InProcessJobRunner:
        return InProcessJobRunner(
            self.store,
            _registry(self.effects),
            self.clock,
            queues=queues,
            stalled_after=STALLED_AFTER,
        )

    async def run_until_idle(self, queues: Sequence[str] | None = None) -> None:
        await self.runner(queues).run_until_idle()

    async def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    async def abandon_next_job(self) -> None:
        assert await self.store.claim(None, "runner-that-dies", self.clock.now()) is not None

    async def take_up_stalled_jobs(self) -> None:
        await self.run_until_idle()

    async def failed_jobs(self) -> list[str]:
        if isinstance(self.store, MemoryJobStore):
            return [job.task for job in self.store.jobs() if job.status == "failed"]
        engine: AsyncEngine = self.store._engine  # type: ignore[attr-defined]
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(job_queue.c.task).where(job_queue.c.status == "failed")
            )
            return [row.task for row in rows]


class ProcrastinateHarness(Harness):
    def __init__(self, url: str, engine: AsyncEngine) -> None:
        self.uow = SqlUnitOfWorkFactory(engine, task_queue_factory(url, CLOCK, Doorbell()))
        self.statistics = ProcrastinateJobStatistics(engine)
        self.effects = Effects()
        self.engine = engine
        self.app: App = build_app(
            libpq_conninfo(url),
            _registry(self.effects),
            stalled_after=STALLED_AFTER,
            housekeeping=False,  # no periodic jobs of its own in these counts
        )

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def run_until_idle(self, queues: Sequence[str] | None = None) -> None:
        queue_filter: dict[str, Any] = {} if queues is None else {"queues": queues}
        async with self.app.open_async():
            await self.app.run_worker_async(
                **queue_filter,
                wait=False,
                install_signal_handlers=False,
                listen_notify=False,
                delete_jobs="successful",
            )

    async def advance(self, delta: timedelta) -> None:
        async with self.engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE procrastinate_jobs SET scheduled_at = scheduled_at - :delta"
                    " WHERE status = 'todo' AND scheduled_at IS NOT NULL"
                ),
                {"delta": delta},
            )

    async def abandon_next_job(self) -> None:
        async with self.app.open_async():
            manager = self.app.job_manager
            worker_id = await manager.register_worker()
            assert await manager.fetch_job(queues=None, worker_id=worker_id) is not None
        async with self.engine.begin() as connection:  # its heartbeat stops
            await connection.execute(
                text(
                    "UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'"
                    " WHERE id = :id"
                ),
                {"id": worker_id},
            )

    async def take_up_stalled_jobs(self) -> None:
        async with self.app.open_async():
            await retry_stalled_jobs(self.app, _registry(self.effects), STALLED_AFTER)
        await self.run_until_idle()

    async def failed_jobs(self) -> list[str]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT task_name FROM procrastinate_jobs WHERE status = 'failed'")
            )
            return [row.task_name for row in rows]


CLOCK = ManualClock()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def queue(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    global CLOCK  # noqa: PLW0603 (each test starts on a clock of its own)
    CLOCK = ManualClock()
    if request.param == "memory":
        store = MemoryDatabase()
        yield InProcessHarness(
            lambda: MemoryUnitOfWork(store, CLOCK),
            MemoryJobStore(store),
            MemoryJobStatistics(store, CLOCK),
        )
        return
    url: str = request.getfixturevalue(f"{request.param}_url")
    engine = create_engine(url, pool_size=4)
    try:
        if request.param == "sqlite":
            yield InProcessHarness(
                SqlUnitOfWorkFactory(engine, task_queue_factory(url, CLOCK, Doorbell())),
                SqlJobStore(engine),
                SqlJobStatistics(engine, CLOCK),
            )
        else:
            async with engine.begin() as connection:  # the database is shared by the session
                await connection.execute(text(f"TRUNCATE {PROCRASTINATE_TABLES}"))
            yield ProcrastinateHarness(url, engine)
    finally:
        await engine.dispose()


async def enqueue(
    harness: Harness, task: TaskSpec, payload: Payload | None = None, **options: Any
) -> bool:
    async with harness.uow() as uow:
        queued = await uow.tasks.defer(task, payload, **options)
        await uow.commit()
    return queued


# --- enqueue and run ------------------------------------------------------------------------------


async def test_a_committed_job_runs_once(queue: Harness) -> None:
    assert await enqueue(queue, RECORD, {"video_id": "v1"})

    await queue.run_until_idle()
    await queue.run_until_idle()

    assert queue.effects.of(RECORD) == [{"video_id": "v1"}]


async def test_the_payload_comes_back_as_it_was_sent(queue: Harness) -> None:
    payload = {
        "text": 'héllo ✓ "quoted" \n',
        "big": 2**53 + 1,
        "negative": -7,
        "ratio": 0.1,
        "flags": [True, False, None],
        "nested": {"list": [1, [2, {"three": 3}]], "empty": {}, "none": None},
        "empty_list": [],
    }
    await enqueue(queue, RECORD, payload)
    await enqueue(queue, OTHER)

    await queue.run_until_idle()

    assert queue.effects.of(RECORD) == [payload]
    assert queue.effects.of(OTHER) == [{}]


async def test_a_payload_that_is_not_json_is_refused(queue: Harness) -> None:
    for bad in ({"when": CLOCK.now()}, {"nan": float("nan")}, {"bytes": b"x"}):
        async with queue.uow() as uow:
            with pytest.raises(ValueError, match="JSON"):
                await uow.tasks.defer(RECORD, bad)


async def test_a_rolled_back_unit_of_work_enqueues_nothing(queue: Harness) -> None:
    async with queue.uow() as uow:
        await uow.tasks.defer(RECORD, {"n": 1})  # no commit

    async def fails_after_enqueueing() -> None:
        async with queue.uow() as uow:
            await uow.tasks.defer(RECORD, {"n": 2})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fails_after_enqueueing()
    await enqueue(queue, RECORD, {"n": 3})

    await queue.run_until_idle()

    assert queue.effects.of(RECORD) == [{"n": 3}]


async def test_jobs_run_by_priority_then_in_order(queue: Harness) -> None:
    await enqueue(queue, RECORD, {"n": 1})
    await enqueue(queue, RECORD, {"n": 2}, priority=5)
    await enqueue(queue, RECORD, {"n": 3})

    await queue.run_until_idle()

    assert [run["n"] for run in queue.effects.of(RECORD)] == [2, 1, 3]


async def test_a_worker_takes_only_the_queues_it_serves(queue: Harness) -> None:
    await enqueue(queue, MEDIA, {"n": 1})
    await enqueue(queue, RECORD, {"n": 2})

    await queue.run_until_idle(queues=["default"])
    assert queue.effects.of(MEDIA) == []
    assert queue.effects.of(RECORD) == [{"n": 2}]

    await queue.run_until_idle(queues=["media"])
    assert queue.effects.of(MEDIA) == [{"n": 1}]


# --- dedupe keys ----------------------------------------------------------------------------------


async def test_one_job_waits_per_dedupe_key(queue: Harness) -> None:
    assert await enqueue(queue, RECORD, {"n": 1}, dedupe_key="video:1")
    assert not await enqueue(queue, RECORD, {"n": 2}, dedupe_key="video:1")
    assert await enqueue(queue, RECORD, {"n": 3}, dedupe_key="video:2")
    assert await enqueue(queue, OTHER, {"n": 4}, dedupe_key="video:1")  # keys are per task

    await queue.run_until_idle()

    assert sorted(run["n"] for run in queue.effects.of(RECORD)) == [1, 3]
    assert queue.effects.of(OTHER) == [{"n": 4}]
    assert await enqueue(queue, RECORD, {"n": 5}, dedupe_key="video:1")  # it ran: free again


async def test_a_duplicate_in_the_same_unit_of_work_leaves_it_usable(queue: Harness) -> None:
    async with queue.uow() as uow:
        assert await uow.tasks.defer(RECORD, {"n": 1}, dedupe_key="k")
        assert not await uow.tasks.defer(RECORD, {"n": 2}, dedupe_key="k")
        assert await uow.tasks.defer(OTHER, {"n": 3})
        await uow.commit()

    await queue.run_until_idle()

    assert queue.effects.of(RECORD) == [{"n": 1}]
    assert queue.effects.of(OTHER) == [{"n": 3}]


async def test_a_dedupe_key_that_is_too_long_is_refused(queue: Harness) -> None:
    async with queue.uow() as uow:
        with pytest.raises(ValueError, match="dedupe key"):
            await uow.tasks.defer(RECORD, {}, dedupe_key="k" * 256)


# --- when -----------------------------------------------------------------------------------------


async def test_a_delayed_job_waits_for_its_time(queue: Harness) -> None:
    await enqueue(queue, RECORD, {"n": 1}, delay=timedelta(minutes=5))
    await enqueue(queue, RECORD, {"n": 2}, run_at=queue.now() + timedelta(hours=1))

    await queue.run_until_idle()
    assert queue.effects.of(RECORD) == []
    await queue.advance(timedelta(minutes=5, seconds=1))
    await queue.run_until_idle()
    assert queue.effects.of(RECORD) == [{"n": 1}]
    await queue.advance(timedelta(hours=1))
    await queue.run_until_idle()
    assert queue.effects.of(RECORD) == [{"n": 1}, {"n": 2}]


async def test_run_at_and_delay_are_exclusive_and_run_at_needs_a_time_zone(queue: Harness) -> None:
    async with queue.uow() as uow:
        with pytest.raises(ValueError, match="not both"):
            await uow.tasks.defer(RECORD, run_at=CLOCK.now(), delay=timedelta(seconds=1))
        with pytest.raises(ValueError, match="timezone"):
            await uow.tasks.defer(RECORD, run_at=CLOCK.now().replace(tzinfo=None))


# --- retries --------------------------------------------------------------------------------------


async def test_a_failing_job_is_retried_with_exponential_back_off_until_it_succeeds(
    queue: Harness,
) -> None:
    queue.effects.failures_left = 2
    await enqueue(queue, FLAKY, {"n": 1})

    await queue.run_until_idle()
    assert len(queue.effects.of(FLAKY)) == 1
    await queue.advance(timedelta(seconds=9))  # first back-off: 10 s
    await queue.run_until_idle()
    assert len(queue.effects.of(FLAKY)) == 1
    await queue.advance(timedelta(seconds=1))
    await queue.run_until_idle()
    assert len(queue.effects.of(FLAKY)) == 2
    await queue.advance(timedelta(seconds=19))  # second back-off: 20 s
    await queue.run_until_idle()
    assert len(queue.effects.of(FLAKY)) == 2
    await queue.advance(timedelta(seconds=1))
    await queue.run_until_idle()

    assert queue.effects.of(FLAKY) == [{"n": 1}] * 3
    assert await queue.failed_jobs() == []


async def test_after_its_last_attempt_a_job_ends_failed_and_its_give_up_hook_runs_once(
    queue: Harness,
) -> None:
    await enqueue(queue, DOOMED, {"video_id": "v9"})

    await queue.run_until_idle()
    await queue.advance(timedelta(hours=1))
    await queue.run_until_idle()

    assert queue.effects.of(DOOMED) == [{"video_id": "v9"}] * 3
    assert len(queue.effects.gave_up) == 1
    payload, reason = queue.effects.gave_up[0]
    assert payload == {"video_id": "v9"}
    assert "cannot be decoded" in reason
    assert await queue.failed_jobs() == [DOOMED.name]


async def test_a_job_whose_worker_died_runs_again_and_the_crash_counts_as_an_attempt(
    queue: Harness,
) -> None:
    await enqueue(queue, DOOMED, {"n": 1})
    await queue.abandon_next_job()  # attempt 1 of 3 dies with its worker

    await queue.advance(STALLED_AFTER + timedelta(seconds=1))
    await queue.take_up_stalled_jobs()

    assert queue.effects.of(DOOMED) == [{"n": 1}] * 2  # attempts 2 and 3
    assert [payload for payload, _ in queue.effects.gave_up] == [{"n": 1}]
    assert await queue.failed_jobs() == [DOOMED.name]


async def test_a_job_whose_worker_died_on_its_last_attempt_fails_and_its_hook_runs(
    queue: Harness,
) -> None:
    await enqueue(queue, FRAGILE, {"n": 1})
    await enqueue(queue, RECORD, {"n": 2})
    await queue.abandon_next_job()  # FRAGILE's one and only attempt dies

    await queue.advance(STALLED_AFTER + timedelta(seconds=1))
    await queue.take_up_stalled_jobs()

    assert queue.effects.of(FRAGILE) == []
    assert len(queue.effects.gave_up) == 1
    payload, reason = queue.effects.gave_up[0]
    assert payload == {"n": 1}
    assert "stopped" in reason
    assert await queue.failed_jobs() == [FRAGILE.name]
    assert queue.effects.of(RECORD) == [{"n": 2}]


# --- statistics -----------------------------------------------------------------------------------


async def test_statistics_count_waiting_scheduled_and_failed_jobs_by_task(queue: Harness) -> None:
    await enqueue(queue, DOOMED, {"n": 0})
    await queue.run_until_idle()
    await enqueue(queue, RECORD, {"n": 1})
    await enqueue(queue, RECORD, {"n": 2})
    await enqueue(queue, MEDIA, {"n": 3}, delay=timedelta(hours=1))
    await queue.advance(timedelta(seconds=30))

    counts = {(c.queue, c.task): c for c in await queue.statistics.counts()}

    record = counts[("default", RECORD.name)]
    assert (record.waiting, record.scheduled, record.running, record.failed) == (2, 0, 0, 0)
    assert record.oldest_waiting_seconds >= 0
    media = counts[("media", MEDIA.name)]
    assert (media.waiting, media.scheduled) == (0, 1)
    assert counts[("default", DOOMED.name)] == JobCounts(
        queue="default", task=DOOMED.name, failed=1
    )


# --- the in-process runner (memory, SQLite) ---------------------------------------------------------


@pytest.fixture(params=["memory", "sqlite"])
async def in_process(request: pytest.FixtureRequest) -> AsyncIterator[InProcessHarness]:
    global CLOCK  # noqa: PLW0603
    CLOCK = ManualClock()
    if request.param == "memory":
        store = MemoryDatabase()
        yield InProcessHarness(
            lambda: MemoryUnitOfWork(store, CLOCK),
            MemoryJobStore(store),
            MemoryJobStatistics(store, CLOCK),
        )
        return
    url: str = request.getfixturevalue("sqlite_url")
    engine = create_engine(url, pool_size=4)
    try:
        yield InProcessHarness(
            SqlUnitOfWorkFactory(engine, task_queue_factory(url, CLOCK, Doorbell())),
            SqlJobStore(engine),
            SqlJobStatistics(engine, CLOCK),
        )
    finally:
        await engine.dispose()


async def test_a_periodic_task_fires_once_per_period_however_many_runners_share_the_store(
    in_process: InProcessHarness,
) -> None:
    hourly = PeriodicTask(task=RECORD, every=timedelta(minutes=1))
    runners = [
        InProcessJobRunner(in_process.store, _registry(in_process.effects, [hourly]), CLOCK)
        for _ in range(3)
    ]

    async def run_all() -> list[int]:
        for runner in runners:
            await runner.run_until_idle()
        return [run["timestamp"] for run in in_process.effects.of(RECORD)]

    start = int(CLOCK.now().timestamp()) // 60 * 60
    assert await run_all() == [start]  # the first start fires the current period at once
    CLOCK.advance(timedelta(seconds=59 - CLOCK.now().second))
    assert await run_all() == [start]
    CLOCK.advance(timedelta(seconds=1))
    assert await run_all() == [start, start + 60]
    CLOCK.advance(timedelta(minutes=10))  # missed periods collapse into one run
    assert await run_all() == [start, start + 60, start + 660]


async def test_the_runner_runs_jobs_at_once_but_never_two_sharing_a_dedupe_key(
    in_process: InProcessHarness,
) -> None:
    started: list[str] = []
    release = {name: asyncio.Event() for name in ("a1", "a2", "b")}

    async def block(payload: Payload) -> None:
        started.append(payload["name"])
        await release[payload["name"]].wait()

    registry = JobRegistry.build([TaskBinding(RECORD, block)])
    runner = InProcessJobRunner(
        in_process.store, registry, CLOCK, concurrency=3, poll_interval=0.01
    )
    stop = asyncio.Event()
    running = asyncio.create_task(runner.run(stop))
    try:
        assert await enqueue(in_process, RECORD, {"name": "a1"}, dedupe_key="video:1")
        await _until(lambda: started == ["a1"])
        assert await enqueue(in_process, RECORD, {"name": "a2"}, dedupe_key="video:1")
        assert await enqueue(in_process, RECORD, {"name": "b"})
        await _until(lambda: started == ["a1", "b"])
        await asyncio.sleep(0.05)
        assert started == ["a1", "b"]  # a2 waits for a1
        release["a1"].set()
        await _until(lambda: started == ["a1", "b", "a2"])
        release["a2"].set()
        release["b"].set()
    finally:
        stop.set()
        await running


async def test_stopping_the_runner_lets_the_running_job_finish(
    in_process: InProcessHarness,
) -> None:
    finished = asyncio.Event()
    release = asyncio.Event()

    async def slow(payload: Payload) -> None:
        await release.wait()
        finished.set()

    runner = InProcessJobRunner(
        in_process.store,
        JobRegistry.build([TaskBinding(RECORD, slow)]),
        CLOCK,
        poll_interval=0.01,
        shutdown_timeout=10,
    )
    await enqueue(in_process, RECORD, {})
    await enqueue(in_process, RECORD, {})
    stop = asyncio.Event()
    running = asyncio.create_task(runner.run(stop))
    await _until(lambda: bool(runner._running))
    stop.set()
    await asyncio.sleep(0.05)
    assert not running.done()  # draining
    release.set()
    await running

    assert finished.is_set()
    counts = await in_process.statistics.counts()
    assert [(c.waiting, c.running) for c in counts] == [(1, 0)]  # the second never started


async def test_a_job_outlasting_the_shutdown_timeout_is_handed_back_and_its_run_does_not_count(
    in_process: InProcessHarness,
) -> None:
    attempts: list[int] = []

    async def forever(payload: Payload) -> None:
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            await asyncio.Event().wait()

    registry = JobRegistry.build(
        [TaskBinding(TaskSpec(name="tests.record", retry=RetryPolicy(max_attempts=1)), forever)]
    )
    runner = InProcessJobRunner(
        in_process.store, registry, CLOCK, poll_interval=0.01, shutdown_timeout=0.05
    )
    await enqueue(in_process, RECORD, {})
    stop = asyncio.Event()
    running = asyncio.create_task(runner.run(stop))
    await _until(lambda: attempts == [1])
    stop.set()
    await running

    await InProcessJobRunner(in_process.store, registry, CLOCK).run_until_idle()
    assert attempts == [
        1,
        2,
    ]  # one allowed attempt, yet it ran again: the interrupted run did not count
    assert await in_process.failed_jobs() == []


async def _until(condition: Callable[[], bool], seconds: float = 5) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 (polling what other tasks change)
            await asyncio.sleep(0.005)
