"""`AdapterSet`: what every storage flavour provides (the storage ports, plus its own metrics)."""

from __future__ import annotations

from collections.abc import Sequence

from dependency_injector import providers
from prometheus_client.registry import Collector

from entrypoints.composition.ports import StoragePorts
from entrypoints.composition.wiring import Slot


class AdapterSet(StoragePorts):
    """The storage ports, and the Prometheus collectors that report on this storage."""

    metrics: Slot[Sequence[Collector]] = providers.Dependency()
