"""Refresh the trending hashtags table (a periodic job)."""

from __future__ import annotations

from datetime import timedelta

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.watching import view_hour

TRENDING_SIZE = 20
TRENDING_WINDOW = timedelta(hours=24)


class RefreshTrending:
    """Rewrite the trending table: the 20 hashtags of public ready videos with the most counted
    views in the last 24 hours (views are counted by hour: the current hour and the 23 before it),
    ties by tag; each with how many public ready videos carry it. Runs every minute (a periodic
    job), in one transaction: readers see the old table or the new one. Idempotent."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self) -> None:
        since = view_hour(self._clock.now()) - TRENDING_WINDOW + timedelta(hours=1)
        async with self._uow() as uow:
            await uow.watches.refresh_trending(since, TRENDING_SIZE)
            await uow.commit()
