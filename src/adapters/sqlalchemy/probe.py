"""Readiness probe for the database."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.schema_check import (
    DatabaseNotUsable,
    SchemaRevisions,
    current_revision,
    revision_problem,
)
from application.ports.dependency_probe import DependencyProbe


class DatabaseProbe(DependencyProbe):
    """Answers when the database runs `SELECT 1`; raises otherwise.

    Given the release's `revisions`, it reads the schema's revision instead, and raises
    `DatabaseNotUsable` when the database is behind them (migrated by an older release, or never):
    a database that drifts that way after the start makes the service unready, saying why.

    At most one `SELECT 1` runs at a time: a check made while one is under way waits for that one.
    A caller that stops waiting (the readiness check's time limit) does not interrupt the query,
    which ends by itself within the engine's time limits: cancelling a query on a database that does
    not answer would hold the caller until the driver gives up on the cancellation too.
    """

    name = "database"
    location: str

    def __init__(self, engine: AsyncEngine, revisions: SchemaRevisions | None = None) -> None:
        self._engine = engine
        self._revisions = revisions
        self.location = engine.url.render_as_string(hide_password=True)
        self._running: asyncio.Future[None] | None = None

    async def check(self) -> None:
        running = self._running
        if (
            running is None
            or running.done()
            or running.get_loop() is not asyncio.get_running_loop()
        ):
            running = self._running = asyncio.ensure_future(self._select_one())
            running.add_done_callback(_retrieve)
        await asyncio.shield(running)

    async def _select_one(self) -> None:
        async with self._engine.connect() as connection:
            if self._revisions is None:
                await connection.execute(text("SELECT 1"))
                return
            current = await current_revision(connection)
        if problem := revision_problem(current, self._revisions):
            raise DatabaseNotUsable(problem)


def _retrieve(future: asyncio.Future[None]) -> None:
    """Mark the outcome as seen, so that a failure nobody waited for is not logged as lost."""
    if not future.cancelled():
        future.exception()
