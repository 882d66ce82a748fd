"""The in-process job runner: takes jobs from a `JobStore` (an SQL table, or memory) and runs them.

It gives the in-process queue the semantics of the procrastinate one where they matter: retries with
exponential back-off up to the task's maximum, the give-up hook after the last attempt, periodic
tasks that fire once per period however many runners share the store, jobs sharing a dedupe key
never running at once, heartbeats, and jobs of a runner that died taken up again (a crash counts as
a failed attempt, so a job that kills its runner is not retried forever).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Collection, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from adapters.jobs.execution import JobObserver, describe, give_up, run_attempt
from adapters.jobs.registry import JobRegistry
from application.ports.clock import Clock
from application.ports.task_queue import PeriodicTask

logger = logging.getLogger("clipstream.jobs")

PRUNE_EVERY = timedelta(minutes=10)
STALLED_RUNNER_ERROR = "the worker running it stopped (no heartbeat)"


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimedJob:
    """A job a runner took: `attempt` is the number of this run (1 for the first)."""

    id: int
    task: str
    queue: str
    payload: dict[str, Any]
    attempt: int
    runner: str | None = None


class JobStore(Protocol):
    """Where the in-process runner keeps its jobs (each method is one short transaction)."""

    async def claim(
        self, queues: Collection[str] | None, runner: str, now: datetime
    ) -> ClaimedJob | None:
        """Take the next due job (highest priority, then oldest) whose dedupe key is not running."""
        ...

    async def succeeded(self, job_id: int) -> None:
        """Forget a job that succeeded."""
        ...

    async def retry(self, job_id: int, run_at: datetime, error: str) -> None:
        """Queue a job that failed again, not before `run_at`."""
        ...

    async def failed(self, job_id: int, error: str, now: datetime) -> None:
        """Keep a job that failed for good (for operators; pruned later)."""
        ...

    async def hand_back(self, job_id: int) -> None:
        """Queue a job whose run was interrupted (shutdown) again; the run does not count."""
        ...

    async def heartbeat(self, runner: str, job_ids: Collection[int], now: datetime) -> None:
        """Record that this runner still works on these jobs."""
        ...

    async def stalled(self, heartbeat_before: datetime, limit: int) -> Sequence[ClaimedJob]:
        """Running jobs whose runner has not sent a heartbeat since `heartbeat_before`."""
        ...

    async def take_over(self, job: ClaimedJob, runner: str, now: datetime) -> bool:
        """Make a stalled job this runner's; False when another runner was faster."""
        ...

    async def fire_due_periodic(self, periodic: Sequence[PeriodicTask], now: datetime) -> int:
        """Queue a job for each periodic task whose period has come, once per period; returns
        how many were queued."""
        ...

    async def prune(self, failed_before: datetime) -> int:
        """Forget failed jobs older than this."""
        ...


class Doorbell:
    """Tells the in-process runners of this process that a job was just enqueued."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[], None]] = []

    def listen(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def ring(self) -> None:
        for listener in self._listeners:
            listener()


class InProcessJobRunner:
    """Runs the jobs of a `JobStore` inside this process.

    `run_until_idle()` runs every due job one after another and returns (deterministic: unit
    tests, with a manual clock); `run(stop)` polls until `stop` is set, with `concurrency` jobs at
    once, then drains: running jobs get `shutdown_timeout` seconds to finish, the rest are
    interrupted and handed back.
    """

    def __init__(
        self,
        store: JobStore,
        registry: JobRegistry,
        clock: Clock,
        *,
        queues: Collection[str] | None = None,
        concurrency: int = 1,
        poll_interval: float = 1.0,
        stalled_after: timedelta = timedelta(minutes=1),
        shutdown_timeout: float = 30.0,
        keep_failed: timedelta = timedelta(days=7),
        observe: JobObserver | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._store = store
        self._registry = registry
        self._clock = clock
        self._queues = frozenset(queues) if queues is not None else None
        self._concurrency = concurrency
        self._poll_interval = poll_interval
        self._stalled_after = stalled_after
        self._shutdown_timeout = shutdown_timeout
        self._keep_failed = keep_failed
        self._observe = observe
        self.runner_id = f"runner-{uuid.uuid4().hex[:12]}"
        self._running: dict[asyncio.Task[None], ClaimedJob] = {}
        self._wake = asyncio.Event()
        self._pruned_at: datetime | None = None
        self._housekept_at = -float("inf")  # monotonic time of the last housekeeping

    def wake(self) -> None:
        """Look for jobs now instead of at the next poll (after a local enqueue)."""
        self._wake.set()

    async def run_until_idle(self) -> int:
        """Fire due periodic tasks, take up stalled jobs, then run due jobs one at a time until
        none is left; returns how many ran. Retries scheduled for later wait for the clock."""
        ran = 0
        await self._housekeeping()
        while True:
            job = await self._store.claim(self._queues, self.runner_id, self._clock.now())
            if job is None:
                return ran
            await self._execute(job)
            ran += 1

    async def run(self, stop: asyncio.Event) -> None:
        """Run jobs until `stop` is set, then drain (see the class docstring)."""
        logger.info(
            "in-process job runner %s started (queues: %s, concurrency %d)",
            self.runner_id,
            ", ".join(sorted(self._queues)) if self._queues else "all",
            self._concurrency,
        )
        heartbeat = asyncio.create_task(self._heartbeats(), name="job-heartbeats")
        try:
            while not stop.is_set():
                try:
                    if time.monotonic() - self._housekept_at >= self._poll_interval:
                        self._housekept_at = time.monotonic()
                        await self._housekeeping()  # at most once per poll, however busy
                    await self._fill()
                except Exception:  # the database may be away: log, wait, try again
                    logger.exception("the job runner could not reach its store")
                self._wake.clear()
                await _first_of(
                    [stop.wait(), self._wake.wait(), asyncio.sleep(self._poll_interval)],
                    list(self._running),
                )
        finally:
            await self._drain()
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            logger.info("in-process job runner %s stopped", self.runner_id)

    async def _fill(self) -> None:
        while len(self._running) < self._concurrency:
            job = await self._store.claim(self._queues, self.runner_id, self._clock.now())
            if job is None:
                return
            task = asyncio.create_task(self._execute(job), name=f"job {job.task}[{job.id}]")
            self._running[task] = job
            task.add_done_callback(self._running.pop)

    async def _drain(self) -> None:
        if not self._running:
            return
        logger.info("waiting for %d running job(s) to finish", len(self._running))
        _done, pending = await asyncio.wait(set(self._running), timeout=self._shutdown_timeout)
        for task in pending:  # handed back by `_execute`
            task.cancel()
        if pending:
            await asyncio.wait(pending)

    async def _heartbeats(self) -> None:
        interval = max(0.2, self._stalled_after.total_seconds() / 6)
        while True:
            await asyncio.sleep(interval)
            ids = [job.id for job in self._running.values()]
            if not ids:
                continue
            try:
                await self._store.heartbeat(self.runner_id, ids, self._clock.now())
            except Exception:
                logger.warning("job heartbeat failed", exc_info=True)

    async def _housekeeping(self) -> None:
        now = self._clock.now()
        await self._store.fire_due_periodic(self._registry.periodic, now)
        for job in await self._store.stalled(now - self._stalled_after, limit=100):
            if await self._store.take_over(job, self.runner_id, now):
                logger.warning("job %s[%d] was left by a stopped worker", job.task, job.id)
                await self._after_failure(job, STALLED_RUNNER_ERROR, hook=True)
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            await self._store.prune(now - self._keep_failed)

    async def _execute(self, job: ClaimedJob) -> None:
        try:
            await self._execute_once(job)
        except Exception:  # recording the outcome failed: the job stalls and is taken up again
            logger.exception(
                "could not record the outcome of job %s[%d]; it runs again once stalled",
                job.task,
                job.id,
            )

    async def _execute_once(self, job: ClaimedJob) -> None:
        binding = self._registry.binding(job.task)
        if binding is None:
            logger.error("job %s[%d]: no such task; failed", job.task, job.id)
            await self._store.failed(job.id, f"unknown task {job.task!r}", self._clock.now())
            return
        try:
            await run_attempt(binding, job.payload, job.attempt, **self._observer())
        except asyncio.CancelledError:
            await asyncio.shield(self._store.hand_back(job.id))
            raise
        except Exception as error:
            await self._after_failure(job, describe(error), hook=False)
        else:
            await self._store.succeeded(job.id)

    async def _after_failure(self, job: ClaimedJob, error: str, *, hook: bool) -> None:
        """Schedule the next attempt, or record the failure after the last one (running the
        give-up hook when `run_attempt` did not already)."""
        binding = self._registry.binding(job.task)
        now = self._clock.now()
        delay = binding.spec.retry.delay_after(job.attempt) if binding is not None else None
        if delay is not None:
            await self._store.retry(job.id, now + delay, error)
            return
        if hook and binding is not None:
            await give_up(binding, job.payload, error)
        await self._store.failed(job.id, error, now)

    def _observer(self) -> dict[str, JobObserver]:
        return {"observe": self._observe} if self._observe is not None else {}


async def _first_of(
    coroutines: Sequence[Coroutine[Any, Any, Any]], futures: Iterable[asyncio.Future[Any]]
) -> None:
    """Wait until one of these finishes; the coroutines that did not are cancelled."""
    own = [asyncio.ensure_future(coroutine) for coroutine in coroutines]
    try:
        await asyncio.wait([*own, *futures], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in own:
            task.cancel()
