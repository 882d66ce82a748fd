"""Real `clipstream worker` processes on a real PostgreSQL: work is shared and done exactly once,
a worker killed mid-job leaves the job to another within the stalled-job timeout, periodic tasks
fire once per period whatever the number of workers, and SIGTERM drains.

The tasks are the test-only ones of `tests.support.jobs`, loaded through `CLIPSTREAM_TASK_MODULES`.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from adapters.jobs.procrastinate_worker import FETCH_INTERVAL_SECONDS
from adapters.jobs.runner import Doorbell
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from adapters.system import SystemClock
from application.ports.task_queue import Payload, TaskSpec
from entrypoints.composition.job_queues import libpq_conninfo, task_queue_factory
from tests.integration.conftest import PostgresDatabases
from tests.support.jobs import COUNT, EFFECTS_TABLE, LONG
from tests.support.process_logs import kept_log

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
STALLED_TIMEOUT_SECONDS = 2
RECOVERY_PERIOD_SECONDS = 1  # recovery_cron(2 s): every second


class Deployment:
    """A migrated database, the test's view of it, and worker processes started on it."""

    def __init__(self, url: str, tmp_path: Path) -> None:
        self.url = url
        self.conninfo = libpq_conninfo(url)
        self.tmp_path = tmp_path
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CLIPSTREAM_DATABASE_URL": url,
            "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
            "CLIPSTREAM_TASK_MODULES": "tests.support.jobs",
            "CLIPSTREAM_JOB_STALLED_TIMEOUT_SECONDS": str(STALLED_TIMEOUT_SECONDS),
            "CLIPSTREAM_WORKER_INTERVAL_SECONDS": "3600",  # maintenance out of the way
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            connection.execute(EFFECTS_TABLE)

    def start_worker(self, *args: str, **env: str) -> subprocess.Popen[bytes]:
        index = len(self.processes)
        log = kept_log(self.tmp_path / f"worker-{index}.log").open("wb")
        executable = str(Path(sys.executable).with_name("clipstream"))
        process = subprocess.Popen(
            [executable, "worker", *args],
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.processes.append(process)
        return process

    def start_workers(self, count: int, *args: str, **env: str) -> list[subprocess.Popen[bytes]]:
        before = self.scalar("SELECT count(*) FROM procrastinate_workers")
        started = [self.start_worker(*args, **env) for _ in range(count)]
        self.wait_for(
            lambda: self.scalar("SELECT count(*) FROM procrastinate_workers") >= before + count,
            "the workers to register",
        )
        return started

    def scalar(self, query: str, *params: object) -> int:
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            row = connection.execute(query, params).fetchone()
        assert row is not None
        return int(row[0])

    def rows(self, query: str, *params: object) -> list[tuple[object, ...]]:
        with psycopg.connect(self.conninfo, autocommit=True) as connection:
            return list(connection.execute(query, params).fetchall())

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 30) -> float:
        """Poll until `condition()`; returns the seconds it took."""
        started = time.monotonic()
        while not condition():
            for process in self.processes:
                code = process.poll()
                if code not in (None, 0, -signal.SIGKILL, -signal.SIGTERM):
                    pytest.fail(f"a worker exited with {code} (the workers' logs follow)")
            if time.monotonic() - started > timeout:
                pytest.fail(f"timed out waiting for {what} (the workers' logs follow)")
            time.sleep(0.05)
        return time.monotonic() - started

    def enqueue(self, task: TaskSpec, payloads: list[Payload]) -> None:
        async def enqueue_all() -> None:
            engine = create_engine(self.url, pool_size=1)
            uow = SqlUnitOfWorkFactory(
                engine, task_queue_factory(self.url, SystemClock(), Doorbell())
            )
            try:
                async with uow() as unit:
                    for payload in payloads:
                        await unit.tasks.defer(task, payload)
                    await unit.commit()
            finally:
                await engine.dispose()

        asyncio.run(enqueue_all())

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)


@pytest.fixture
def deployment(postgres_databases: PostgresDatabases, tmp_path: Path) -> Iterator[Deployment]:
    url = postgres_databases.create(migrated=True)
    deployed = Deployment(url, tmp_path)
    try:
        yield deployed
    finally:
        deployed.stop_all()
        postgres_databases.drop(url)


def test_three_workers_share_300_jobs_and_do_each_exactly_once(deployment: Deployment) -> None:
    deployment.start_workers(3, "--concurrency", "2")

    deployment.enqueue(COUNT, [{"key": f"job-{n}"} for n in range(300)])
    deployment.wait_for(
        lambda: deployment.scalar("SELECT count(*) FROM test_job_effects") >= 300, "300 effects"
    )
    # Succeeded jobs are deleted: once none of them is left, a job done twice would show.
    # (Only this test's task: a worker may defer its periodic maintenance meanwhile.)
    deployment.wait_for(
        lambda: (
            deployment.scalar(
                f"SELECT count(*) FROM procrastinate_jobs WHERE task_name = '{COUNT.name}'"
            )
            == 0
        ),
        "every finished job to be deleted",
    )

    assert deployment.scalar("SELECT count(*) FROM test_job_effects") == 300
    assert deployment.scalar("SELECT count(DISTINCT key) FROM test_job_effects") == 300
    assert deployment.scalar("SELECT count(DISTINCT pid) FROM test_job_effects") >= 2


def test_a_job_of_a_killed_worker_completes_on_another_within_the_stalled_timeout(
    deployment: Deployment,
) -> None:
    first, second = deployment.start_workers(2)
    deployment.enqueue(LONG, [{"key": "long", "seconds": 2}])
    deployment.wait_for(
        lambda: (
            deployment.scalar("SELECT count(*) FROM test_job_effects WHERE event = 'started'") == 1
        ),
        "the long job to start",
    )
    pid = deployment.scalar("SELECT pid FROM test_job_effects WHERE event = 'started'")
    victim = first if first.pid == pid else second
    assert victim.pid == pid

    os.kill(pid, signal.SIGKILL)
    took = deployment.wait_for(
        lambda: (
            deployment.scalar("SELECT count(*) FROM test_job_effects WHERE event = 'done'") == 1
        ),
        "the job to complete on the other worker",
    )

    # stalled after the timeout, put back by the next recovery run, found by the next poll, then
    # 2 s of work (plus a margin for a busy machine)
    assert took < STALLED_TIMEOUT_SECONDS + RECOVERY_PERIOD_SECONDS + FETCH_INTERVAL_SECONDS + 2 + 4
    done = deployment.rows("SELECT pid FROM test_job_effects WHERE event = 'done'")
    assert done == [((second if victim is first else first).pid,)]
    assert deployment.scalar("SELECT count(*) FROM test_job_effects WHERE event = 'started'") == 2


def test_a_periodic_task_fires_once_per_period_with_three_workers(deployment: Deployment) -> None:
    deployment.start_workers(3, CLIPSTREAM_TEST_TICK_SECONDS="1")
    deployment.wait_for(
        lambda: deployment.scalar("SELECT count(DISTINCT key) FROM test_job_effects") >= 5,
        "five periods",
    )

    ticks = deployment.rows(
        "SELECT key, count(*) FROM test_job_effects WHERE event = 'tick' GROUP BY key"
    )
    # A later period has begun, so every worker's run of the earlier ones is in.
    finished = sorted((int(str(key)), count) for key, count in ticks)[:-1]
    assert len(finished) >= 4
    assert all(count == 1 for _period, count in finished), ticks
    periods = [period for period, _count in finished]
    assert all(later - earlier >= 1 for earlier, later in itertools.pairwise(periods))


def test_sigterm_finishes_the_running_job_and_leaves_the_waiting_ones(
    deployment: Deployment,
) -> None:
    (worker,) = deployment.start_workers(1)
    deployment.enqueue(LONG, [{"key": "first", "seconds": 1.5}, {"key": "second", "seconds": 0}])
    deployment.wait_for(
        lambda: deployment.scalar("SELECT count(*) FROM test_job_effects") == 1,
        "the first job to start",
    )

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0

    assert deployment.rows("SELECT key, event FROM test_job_effects ORDER BY at") == [
        ("first", "started"),
        ("first", "done"),
    ]
    assert (
        deployment.scalar(
            "SELECT count(*) FROM procrastinate_jobs"
            f" WHERE status = 'todo' AND task_name = '{LONG.name}'"
        )
        == 1
    )
    assert deployment.scalar("SELECT count(*) FROM procrastinate_workers") == 0  # unregistered

    deployment.start_workers(1)  # the waiting job is still there for the next worker
    deployment.wait_for(
        lambda: (
            deployment.scalar("SELECT count(*) FROM test_job_effects WHERE key = 'second'") == 2
        ),
        "the second job",
    )


def test_sigterm_hands_back_a_job_that_outlasts_the_shutdown_timeout(
    deployment: Deployment,
) -> None:
    (worker,) = deployment.start_workers(1, CLIPSTREAM_WORKER_SHUTDOWN_TIMEOUT_SECONDS="1")
    deployment.enqueue(LONG, [{"key": "slow", "seconds": 60}])
    deployment.wait_for(
        lambda: deployment.scalar("SELECT count(*) FROM test_job_effects") == 1,
        "the job to start",
    )

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=20) == 0

    assert deployment.rows(
        f"SELECT status, attempts FROM procrastinate_jobs WHERE task_name = '{LONG.name}'"
    ) == [("todo", 1)]
    assert deployment.scalar("SELECT count(*) FROM test_job_effects WHERE event = 'done'") == 0
