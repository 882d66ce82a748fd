"""`AdapterSet`: what every storage flavour provides (the storage ports, plus its own metrics)."""

from __future__ import annotations

from collections.abc import Sequence

from dependency_injector import providers
from prometheus_client.registry import Collector

from adapters.jobs.runner import Doorbell
from application.ports.job_statistics import JobStatistics
from entrypoints.composition.ports import StoragePorts
from entrypoints.composition.wiring import Slot


class AdapterSet(StoragePorts):
    """The storage ports, the Prometheus collectors that report on this storage, the state of its
    job queue, and the doorbell its in-process job runner listens to."""

    metrics: Slot[Sequence[Collector]] = providers.Dependency()
    job_statistics: Slot[JobStatistics] = providers.Dependency()
    doorbell: Slot[Doorbell] = providers.Dependency()
