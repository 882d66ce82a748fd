"""Background work: expire abandoned uploads, retry storage deletions, forget old idempotency keys."""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from entrypoints.composition import Container
from entrypoints.http.observability import UPLOADS

logger = structlog.get_logger("clipstream.worker")


async def run_once(container: Container) -> None:
    """One round of every periodic job; a failing job is logged and does not stop the others."""

    async def expire_uploads() -> int:
        expired = await container.maintenance.expire_uploads().execute()
        UPLOADS.labels(outcome="expired").inc(expired)
        return expired

    jobs = {
        "expire uploads": expire_uploads,
        "storage deletions": container.common.storage_cleanup().run,
        "idempotency keys": container.common.idempotency().purge_expired,
    }
    for name, job in jobs.items():
        try:
            done = await job()
            if done:
                logger.info("job done", job=name, processed=done)
        except Exception:  # the next round retries; one bad job must not stop the worker
            logger.exception("job failed", job=name)


async def run_forever(container: Container, interval_seconds: float) -> None:
    """Run `run_once` every `interval_seconds` until cancelled."""
    while True:
        await run_once(container)
        await asyncio.sleep(interval_seconds)


@contextlib.asynccontextmanager
async def in_background(container: Container, interval_seconds: float):  # type: ignore[no-untyped-def]
    """Run the worker loop as a task for the duration of the block (the app's lifespan)."""
    task = asyncio.create_task(run_forever(container, interval_seconds), name="clipstream-worker")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
