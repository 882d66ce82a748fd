"""procrastinate workers: the App with every task of the registry, and a worker that stops cleanly.

Features of procrastinate used: tasks with a retry strategy (ours: the task's `RetryPolicy`),
queues, priorities, locks and queueing locks (dedupe keys), scheduled jobs, periodic tasks
(cron with seconds; deferred once per period by `procrastinate_defer_periodic_job_v2`, whatever the
number of workers), LISTEN/NOTIFY for new jobs, worker heartbeats and stalled-worker pruning,
`JobManager.get_stalled_jobs` / `retry_job` / `finish_job` (taking up jobs of dead workers),
`delete_old_jobs`, graceful shutdown with a timeout (unfinished jobs are aborted and retried), and
deferral on an external connection (`configure_task(connection=...)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate import exceptions as procrastinate_errors
from procrastinate import jobs as procrastinate_jobs
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from adapters.jobs.execution import JobObserver, give_up, run_attempt
from adapters.jobs.registry import JobRegistry
from adapters.jobs.runner import STALLED_RUNNER_ERROR
from application.ports.task_queue import RetryPolicy, TaskBinding, period_cron

logger = logging.getLogger("clipstream.jobs")

RETRY_STALLED_TASK = "jobs.retry_stalled"
PRUNE_FAILED_TASK = "jobs.prune_failed"
KEEP_FAILED_HOURS = 7 * 24
RESTART_DELAY_SECONDS = 5.0
# New jobs wake workers through LISTEN/NOTIFY at once; jobs that become due later (retries,
# scheduled jobs, jobs of dead workers put back) are found by polling this often.
FETCH_INTERVAL_SECONDS = 2.0


class PolicyRetry(BaseRetryStrategy):
    """procrastinate's retry decision from our `RetryPolicy`.

    A run interrupted by a shutdown (the worker cancelled it after its grace period) is always
    handed back, to run again at once.
    """

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy

    def get_retry_decision(
        self, *, exception: BaseException, job: procrastinate_jobs.Job
    ) -> RetryDecision | None:
        if isinstance(exception, asyncio.CancelledError | procrastinate_errors.JobAborted):
            return RetryDecision(retry_at=datetime.now(UTC))
        delay = self.policy.delay_after(job.attempts + 1)
        if delay is None:
            return None
        return RetryDecision(retry_at=datetime.now(UTC) + delay)


def recovery_cron(stalled_after: timedelta) -> str:
    """How often to look for jobs of dead workers: about twice per stalled-worker timeout."""
    half = stalled_after.total_seconds() / 2
    for seconds in (30, 20, 15, 12, 10, 6, 5, 4, 3, 2, 1):
        if seconds <= half:
            return f"* * * * * */{seconds}"
    return "* * * * * */1"


def build_app(
    conninfo: str,
    registry: JobRegistry,
    *,
    stalled_after: timedelta = timedelta(minutes=1),
    pool_size: int = 4,
    observe: JobObserver | None = None,
    housekeeping: bool = True,
) -> App:
    """A procrastinate App (not opened) with every task of `registry`, its periodic tasks, and
    (unless `housekeeping` is false) two periodic tasks of its own: taking up jobs of dead
    workers, forgetting failed jobs after a week."""
    connector = PsycopgConnector(
        conninfo=conninfo,
        min_size=1,
        max_size=max(2, pool_size),
        kwargs={"connect_timeout": 3, "options": "-c timezone=UTC"},
    )
    app = App(connector=connector)
    for binding in registry.bindings.values():
        _register(app, binding, observe)
    for item in registry.periodic:
        cron = period_cron(item.every)
        assert cron is not None  # checked by PeriodicTask
        app.periodic(cron=cron, lock=item.key, queueing_lock=item.key)(app.tasks[item.task.name])
    if housekeeping:
        _add_housekeeping(app, registry, stalled_after)
    return app


def _add_housekeeping(app: App, registry: JobRegistry, stalled_after: timedelta) -> None:

    async def retry_stalled(context: JobContext, /, timestamp: int) -> None:
        await retry_stalled_jobs(context.app, registry, stalled_after)

    async def prune_failed(context: JobContext, /, timestamp: int) -> None:
        await context.app.job_manager.delete_old_jobs(
            nb_hours=KEEP_FAILED_HOURS,
            include_failed=True,
            include_cancelled=True,
            include_aborted=True,
        )

    for name, function, cron in (
        (RETRY_STALLED_TASK, retry_stalled, recovery_cron(stalled_after)),
        (PRUNE_FAILED_TASK, prune_failed, "17 * * * *"),
    ):
        task = app.task(name=name, queue="default", pass_context=True, lock=name)(function)
        app.periodic(cron=cron, queueing_lock=name)(task)


def _register(app: App, binding: TaskBinding, observe: JobObserver | None) -> None:
    spec = binding.spec
    options: dict[str, JobObserver] = {"observe": observe} if observe is not None else {}

    async def run(context: JobContext, /, **payload: Any) -> None:
        await run_attempt(binding, payload, context.job.attempts + 1, **options)

    app.task(
        name=spec.name,
        queue=spec.queue,
        priority=spec.priority,
        pass_context=True,
        retry=PolicyRetry(spec.retry),
    )(run)


async def retry_stalled_jobs(app: App, registry: JobRegistry, stalled_after: timedelta) -> None:
    """Jobs whose worker stopped sending heartbeats run again, or fail after their last attempt
    (the crash counts as an attempt, so a job that kills its worker is not retried forever)."""
    manager = app.job_manager
    stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after.total_seconds())
    for job in stalled:
        binding = registry.binding(job.task_name)
        try:
            if binding is not None and binding.spec.retry.is_last(job.attempts + 1):
                logger.warning(
                    "job %s[%s] was left by a stopped worker: failed", job.task_name, job.id
                )
                await give_up(binding, job.task_kwargs, STALLED_RUNNER_ERROR)
                await manager.finish_job(job, procrastinate_jobs.Status.FAILED, delete_job=False)
            else:
                logger.warning(
                    "job %s[%s] was left by a stopped worker: retried", job.task_name, job.id
                )
                await manager.retry_job(job)
        except procrastinate_errors.ConnectorException:  # finished meanwhile: nothing to do
            logger.info("job %s[%s] changed while being taken up", job.task_name, job.id)


class ProcrastinateWorker:
    """Runs a procrastinate worker until `stop` is set, then drains: running jobs get
    `shutdown_timeout` seconds to finish, the rest are aborted and handed back (retried at once).

    A worker that stops by itself (the database went away) is started again after a few seconds.
    """

    def __init__(
        self,
        app: App,
        *,
        queues: Collection[str] | None = None,
        concurrency: int = 1,
        stalled_after: timedelta = timedelta(minutes=1),
        shutdown_timeout: float = 30.0,
        name: str = "clipstream",
        fetch_interval: float = FETCH_INTERVAL_SECONDS,
    ) -> None:
        self._app = app
        self._options: dict[str, Any] = {
            "queues": sorted(queues) if queues is not None else None,
            "concurrency": concurrency,
            "name": name,
            "wait": True,
            "install_signal_handlers": False,
            "delete_jobs": "successful",
            "listen_notify": True,
            "fetch_job_polling_interval": fetch_interval,
            "update_heartbeat_interval": max(0.2, stalled_after.total_seconds() / 6),
            "stalled_worker_timeout": stalled_after.total_seconds(),
            "shutdown_graceful_timeout": shutdown_timeout,
        }

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._run_once(stop)
            except Exception:
                logger.exception("the job worker stopped; starting again shortly")
            if not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), RESTART_DELAY_SECONDS)

    async def _run_once(self, stop: asyncio.Event) -> None:
        async with self._app.open_async():
            worker = asyncio.create_task(self._app.run_worker_async(**self._options))
            stopping = asyncio.create_task(stop.wait())
            try:
                await asyncio.wait({worker, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopping.cancel()
                if not worker.done():
                    worker.cancel()  # procrastinate's graceful stop: drains, then raises
                    await asyncio.wait({worker})
            if not stop.is_set() and not worker.cancelled():
                worker.result()  # raises what stopped the worker (then it starts again)
