"""The connection pool's usage as Prometheus gauges."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine


class PoolCollector(Collector):
    """Database pool usage, read when Prometheus scrapes."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def collect(self) -> Iterable[GaugeMetricFamily]:
        pool: Any = self._engine.sync_engine.pool
        in_use = GaugeMetricFamily(
            "clipstream_db_pool_connections", "Database connections by state.", labels=["state"]
        )
        if hasattr(pool, "checkedout"):
            in_use.add_metric(["in_use"], float(pool.checkedout()))
            in_use.add_metric(["idle"], float(pool.checkedin()))
            in_use.add_metric(["overflow"], float(max(0, pool.overflow())))
        yield in_use
