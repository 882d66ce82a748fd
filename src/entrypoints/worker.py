"""Background work: expire abandoned uploads, retry storage deletions, forget old idempotency keys."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from entrypoints.container import Container

logger = logging.getLogger("clipstream.worker")


async def run_once(container: Container) -> None:
    """One round of every periodic job; a failing job is logged and does not stop the others."""
    use_cases = container.use_cases
    jobs = {
        "expire uploads": use_cases.expire_uploads().execute,
        "storage deletions": use_cases.storage_cleanup().run,
        "idempotency keys": use_cases.idempotency().purge_expired,
    }
    for name, job in jobs.items():
        try:
            done = await job()
            if done:
                logger.info("%s: %s processed", name, done)
        except Exception:  # the next round retries; one bad job must not stop the worker
            logger.exception("%s failed", name)


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
