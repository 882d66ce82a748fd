"""Running one attempt of a job, the same way whichever queue delivered it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from application.ports.task_queue import Payload, TaskBinding

logger = logging.getLogger("clipstream.jobs")

MAX_ERROR_LENGTH = 2000

JobObserver = Callable[[TaskBinding, float, str], None]
"""Told of every finished attempt: the task, its duration in seconds, and its outcome
(`succeeded`, `retried`, `failed` or `interrupted`)."""


def _ignore(_binding: TaskBinding, _seconds: float, _outcome: str) -> None:
    return None


def describe(error: BaseException) -> str:
    """A failure as stored with the job and given to the give-up hook."""
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return text[:MAX_ERROR_LENGTH]


async def run_attempt(
    binding: TaskBinding,
    payload: Payload,
    attempt: int,
    *,
    observe: JobObserver = _ignore,
) -> None:
    """Run the `attempt`-th run (1-based) of a job; re-raise what it raised.

    When the last allowed attempt fails, the task's give-up hook runs before the error is
    re-raised (a failing hook is logged: the job still ends failed).
    """
    started = time.perf_counter()
    try:
        await binding.run(payload)
    except asyncio.CancelledError:
        observe(binding, time.perf_counter() - started, "interrupted")
        raise
    except Exception as error:
        last = binding.spec.retry.is_last(attempt)
        observe(binding, time.perf_counter() - started, "failed" if last else "retried")
        logger.warning(
            "job %s failed (attempt %d of %d)%s",
            binding.spec.name,
            attempt,
            binding.spec.retry.max_attempts,
            "" if not last else ": giving up",
            exc_info=True,
        )
        if last:
            await give_up(binding, payload, describe(error))
        raise
    observe(binding, time.perf_counter() - started, "succeeded")


async def give_up(binding: TaskBinding, payload: Payload, reason: str) -> None:
    """Run the task's give-up hook, if it has one; a failing hook is logged, not raised."""
    if binding.give_up is None:
        return
    try:
        await binding.give_up(payload, reason)
    except Exception:
        logger.exception("the give-up hook of %s failed", binding.spec.name)
