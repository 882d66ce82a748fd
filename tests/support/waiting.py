"""Waiting in tests for something to happen: polled with a deadline, never a fixed sleep."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

POLL_SECONDS = 0.01

_WAITING_ON_LOCKS = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


async def until(condition: Callable[[], Awaitable[bool]], what: str, seconds: float = 10) -> float:
    """Poll `condition` until it holds; returns the seconds it took, fails after `seconds`."""
    started = time.monotonic()
    while not await condition():
        assert time.monotonic() - started < seconds, f"{what}: not within {seconds} s"
        await asyncio.sleep(POLL_SECONDS)
    return time.monotonic() - started


async def until_waiting_on_locks(engine: AsyncEngine, count: int = 1, seconds: float = 10) -> None:
    """Until `count` sessions on the engine's PostgreSQL database wait on a lock (rows another
    open transaction wrote or locked): the moment for that transaction to commit when a test
    proves what the waiting ones then do."""

    async def waiting() -> bool:
        async with engine.connect() as connection:
            found = await connection.scalar(_WAITING_ON_LOCKS)
        return int(found or 0) >= count

    await until(waiting, f"{count} transaction(s) waiting on a lock", seconds)
