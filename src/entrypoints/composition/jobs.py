"""Background jobs, wired: which use case runs each task, which queue a unit of work enqueues on,
and which worker runs the jobs (procrastinate on PostgreSQL, the in-process runner on SQLite and in
memory).

Extra task modules (`CLIPSTREAM_TASK_MODULES`, comma-separated, importable): each defines
`task_bindings(container) -> Iterable[TaskBinding]` and may define
`periodic_tasks() -> Iterable[PeriodicTask]`; their tasks are registered next to the
application's. The test suite uses it for tasks of its own (a counter, a long job).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncIterator, Collection, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from adapters.jobs.memory import MemoryJobStore
from adapters.jobs.procrastinate_schema import pending_migrations
from adapters.jobs.procrastinate_worker import ProcrastinateWorker, build_app
from adapters.jobs.registry import JobRegistry
from adapters.jobs.runner import InProcessJobRunner, JobStore
from adapters.jobs.sql_queue import SqlJobStore
from application.jobs import catalog
from application.ports.task_queue import Payload, PeriodicTask, TaskBinding
from application.videos.fail_processing import FailProcessingCommand
from application.videos.process_video import ProcessVideoCommand
from application.videos.renew_poster import RenewPosterCommand
from entrypoints.composition.job_queues import is_postgres, libpq_conninfo
from entrypoints.job_metrics import observe_job

if TYPE_CHECKING:
    from entrypoints.composition import Container

logger = logging.getLogger("clipstream.jobs")


class Worker(Protocol):
    """Runs jobs until `stop` is set, then drains."""

    async def run(self, stop: asyncio.Event) -> None: ...


def application_bindings(container: Container) -> list[TaskBinding]:
    """The use case behind every task of the catalog."""
    from entrypoints.http.observability import EMAILS_FAILED, UPLOADS

    async def expire_uploads(_payload: object) -> None:
        expired = await container.maintenance.expire_uploads().execute()
        UPLOADS.labels(outcome="expired").inc(expired)
        if expired:
            logger.info("expired %d abandoned upload(s)", expired)

    async def retry_storage_deletions(_payload: object) -> None:
        await container.common.storage_cleanup().run()

    async def forget_idempotency_keys(_payload: object) -> None:
        await container.common.idempotency().purge_expired()

    async def forget_ended_sessions(_payload: object) -> None:
        await container.maintenance.forget_ended_sessions().execute()

    async def refresh_trending(_payload: object) -> None:
        await container.discovery.refresh_trending().execute()

    async def forget_old_watches(_payload: object) -> None:
        await container.discovery.forget_old_watches().execute()

    async def process_video(payload: Payload) -> None:
        command = ProcessVideoCommand(video_id=UUID(str(payload["video_id"])))
        await container.videos.process_video().execute(command)

    async def give_up_processing(payload: Payload, error: str) -> None:
        command = FailProcessingCommand(video_id=UUID(str(payload["video_id"])), error=error)
        await container.videos.fail_processing().execute(command)

    async def give_up_email(payload: Payload, error: str) -> None:
        EMAILS_FAILED.labels(kind=str(payload.get("kind", ""))).inc()
        await container.auth.send_email().give_up(payload, error)

    async def renew_poster(payload: Payload) -> None:
        command = RenewPosterCommand(video_id=UUID(str(payload["video_id"])))
        await container.videos.renew_poster().execute(command)

    return [
        TaskBinding(catalog.EXPIRE_UPLOADS, expire_uploads),
        TaskBinding(catalog.RETRY_STORAGE_DELETIONS, retry_storage_deletions),
        TaskBinding(catalog.FORGET_IDEMPOTENCY_KEYS, forget_idempotency_keys),
        TaskBinding(catalog.FORGET_ENDED_SESSIONS, forget_ended_sessions),
        TaskBinding(catalog.REFRESH_TRENDING, refresh_trending),
        TaskBinding(catalog.FORGET_OLD_WATCHES, forget_old_watches),
        TaskBinding(catalog.PROCESS_VIDEO, process_video, give_up_processing),
        TaskBinding(catalog.RENEW_POSTER, renew_poster),
        TaskBinding(catalog.SEND_EMAIL, container.auth.send_email().execute_job, give_up_email),
        TaskBinding(
            catalog.PREPARE_PASSWORD_RESET, container.auth.prepare_password_reset().execute_job
        ),
    ]


def build_registry(container: Container) -> JobRegistry:
    """Every task with its use case, the periodic tasks, and those of the extra task modules."""
    settings = container.settings
    registry = JobRegistry.build(
        application_bindings(container),
        catalog.periodic_tasks(timedelta(seconds=settings.worker_interval_seconds)),
        declared=catalog.TASKS,
    )
    for name in settings.task_modules:
        module = importlib.import_module(name)
        periodic: Iterable[PeriodicTask] = getattr(module, "periodic_tasks", lambda: ())()
        registry = registry.merged(JobRegistry.build(module.task_bindings(container), periodic))
    return registry


def build_worker(
    container: Container,
    *,
    queues: Collection[str] | None = None,
    concurrency: int | None = None,
    registry: JobRegistry | None = None,
) -> Worker:
    """The worker for this deployment's database: procrastinate on PostgreSQL, else in-process."""
    settings = container.settings
    registry = registry or build_registry(container)
    concurrency = concurrency or settings.worker_concurrency
    stalled_after = timedelta(seconds=settings.job_stalled_timeout_seconds)
    if hasattr(container.adapters, "engine") and is_postgres(settings.database_url):
        app = build_app(
            libpq_conninfo(settings.database_url),
            registry,
            stalled_after=stalled_after,
            pool_size=concurrency + 2,
            observe=observe_job,
        )
        return ProcrastinateWorker(
            app,
            queues=queues,
            concurrency=concurrency,
            stalled_after=stalled_after,
            shutdown_timeout=settings.worker_shutdown_timeout_seconds,
        )
    return in_process_runner(container, queues=queues, concurrency=concurrency, registry=registry)


def in_process_runner(
    container: Container,
    *,
    queues: Collection[str] | None = None,
    concurrency: int | None = None,
    registry: JobRegistry | None = None,
    poll_interval: float = 1.0,
) -> InProcessJobRunner:
    """The in-process runner over the SQL table (SQLite) or the memory store (unit tests:
    `await in_process_runner(container).run_until_idle()` runs every due job)."""
    settings = container.settings
    adapters = container.adapters
    engine = getattr(adapters, "engine", None)  # SqlAdapters have an engine, MemoryAdapters a store
    store: JobStore = (
        SqlJobStore(engine()) if engine is not None else MemoryJobStore(adapters.store())
    )
    runner = InProcessJobRunner(
        store,
        registry or build_registry(container),
        container.core.clock(),
        queues=queues,
        concurrency=concurrency or settings.worker_concurrency,
        poll_interval=poll_interval,
        stalled_after=timedelta(seconds=settings.job_stalled_timeout_seconds),
        shutdown_timeout=settings.worker_shutdown_timeout_seconds,
        observe=observe_job,
    )
    adapters.doorbell().listen(runner.wake)
    return runner


async def run_worker(
    container: Container,
    stop: asyncio.Event,
    *,
    queues: Collection[str] | None = None,
    concurrency: int | None = None,
) -> None:
    """Run this deployment's worker until `stop` is set, then drain (`clipstream worker`, and the
    in-process worker of `serve`)."""
    worker = build_worker(container, queues=queues, concurrency=concurrency)
    await warn_if_queue_schema_is_behind(container)
    await worker.run(stop)


async def warn_if_queue_schema_is_behind(container: Container) -> None:
    """Log an error when procrastinate's schema lacks migrations the installed package ships (the
    pin moved without a revision that applies them)."""
    engine = getattr(container.adapters, "engine", None)
    if engine is None or not is_postgres(container.settings.database_url):
        return
    try:
        async with engine().connect() as connection:
            pending = await connection.run_sync(pending_migrations)
    except Exception:  # the database is away: the worker reports that itself
        logger.warning("could not compare procrastinate's schema with its package", exc_info=True)
        return
    if pending:
        logger.error(
            "procrastinate's schema lacks migrations of the installed procrastinate (%s): add a "
            "revision that applies them (see adapters/jobs/procrastinate_schema.py), then run "
            "`clipstream migrate`",
            ", ".join(pending),
        )


@contextlib.asynccontextmanager
async def in_background(container: Container) -> AsyncIterator[None]:
    """Run this deployment's worker for the duration of the block (the app's lifespan); on exit it
    drains like a worker given SIGTERM."""
    stop = asyncio.Event()
    task = asyncio.create_task(run_worker(container, stop), name="clipstream-jobs")
    try:
        yield
    finally:
        stop.set()
        await task
