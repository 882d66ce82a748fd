"""Forget watch signals and view counts that no ranking reads any more (a periodic job)."""

from __future__ import annotations

from datetime import timedelta

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.watching import WATCH_RETENTION

VIEW_HOURS_RETENTION = timedelta(hours=48)


class ForgetOldWatches:
    """Watches grow with every signed-in viewing and view counts with every hour: a watch is kept
    30 days (For You reads the last 7), an hour's view counts 48 hours (trending reads 24). A round
    deletes at most `limit` of each, in one short transaction; the next round continues."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, limit: int = 5000) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            forgotten = await uow.watches.forget_watches_before(now - WATCH_RETENTION, limit)
            forgotten += await uow.watches.forget_view_hours_before(
                now - VIEW_HOURS_RETENTION, limit
            )
            await uow.commit()
        return forgotten
