"""Which task queue a unit of work enqueues on: procrastinate's on PostgreSQL, the in-process
queue's table on SQLite."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.jobs.procrastinate_queue import ProcrastinateTaskQueue
from adapters.jobs.runner import Doorbell
from adapters.jobs.sql_queue import SqlTaskQueue
from application.ports.clock import Clock
from application.ports.task_queue import TaskQueue

TaskQueueFactory = Callable[[AsyncConnection], TaskQueue]


def is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def libpq_conninfo(database_url: str) -> str:
    """A `postgresql+psycopg://` URL as libpq understands it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def task_queue_factory(database_url: str, clock: Clock, doorbell: Doorbell) -> TaskQueueFactory:
    """The task queue of each SQL unit of work: procrastinate's deferral on PostgreSQL (on an App
    that is never opened: deferring on the unit of work's connection needs no pool of its own),
    the in-process queue's table on SQLite."""
    if is_postgres(database_url):
        from procrastinate import App, PsycopgConnector

        deferrer = App(connector=PsycopgConnector(conninfo=libpq_conninfo(database_url)))
        return lambda connection: ProcrastinateTaskQueue(connection, deferrer)
    return lambda connection: SqlTaskQueue(connection, clock, doorbell.ring)
