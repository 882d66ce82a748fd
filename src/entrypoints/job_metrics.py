"""Prometheus metrics of the job queue.

- `clipstream_job_duration_seconds{queue,task,outcome}`: a histogram of the attempts this process
  ran (the in-process worker of `serve`, or a `clipstream worker` with `--metrics-port`).
- `clipstream_jobs{queue,task,state}` (waiting, scheduled, running, failed) and
  `clipstream_job_oldest_waiting_seconds{queue,task}`: the state of the whole queue, read from the
  database in one grouped query when `/metrics` is scraped (`JobQueueCollector.refresh`, bounded
  by a short timeout: a slow database leaves these series out of that scrape, never stalls it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence

from prometheus_client import REGISTRY, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from application.ports.job_statistics import JobCounts, JobStatistics
from application.ports.task_queue import TaskBinding

logger = logging.getLogger("clipstream.jobs")

REFRESH_TIMEOUT_SECONDS = 1.0

JOB_DURATION = Histogram(
    "clipstream_job_duration_seconds",
    "Duration of job attempts run by this process, by queue, task and outcome "
    "(succeeded, retried, failed, interrupted).",
    ["queue", "task", "outcome"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600),
)


def observe_job(binding: TaskBinding, seconds: float, outcome: str) -> None:
    """The `JobObserver` of every worker of this process."""
    JOB_DURATION.labels(binding.spec.queue, binding.spec.name, outcome).observe(seconds)


class JobQueueCollector(Collector):
    """Gauges of the queue's state from the last `refresh` (run just before each scrape).

    One per process (`JOB_QUEUE`, registered once): each app refreshes it from its own statistics.
    """

    def __init__(self, timeout: float = REFRESH_TIMEOUT_SECONDS) -> None:
        self._timeout = timeout
        self._counts: Sequence[JobCounts] | None = None

    async def refresh(self, statistics: JobStatistics) -> None:
        """Read the counts now; on failure or timeout the next scrape has no queue series."""
        try:
            async with asyncio.timeout(self._timeout):
                self._counts = await statistics.counts()
        except Exception:  # the database is away or slow: the scrape still answers
            logger.warning("job queue statistics unavailable", exc_info=True)
            self._counts = None

    def collect(self) -> Iterable[GaugeMetricFamily]:
        jobs = GaugeMetricFamily(
            "clipstream_jobs",
            "Jobs in the queue by queue, task and state (waiting: due now; scheduled: for later; "
            "running; failed: after their last attempt, kept a week).",
            labels=["queue", "task", "state"],
        )
        oldest = GaugeMetricFamily(
            "clipstream_job_oldest_waiting_seconds",
            "How long the oldest due job has waited, by queue and task.",
            labels=["queue", "task"],
        )
        for counts in self._counts or ():
            for state in ("waiting", "scheduled", "running", "failed"):
                jobs.add_metric([counts.queue, counts.task, state], getattr(counts, state))
            oldest.add_metric([counts.queue, counts.task], counts.oldest_waiting_seconds)
        yield jobs
        yield oldest


JOB_QUEUE = JobQueueCollector()
REGISTRY.register(JOB_QUEUE)
