"""Prometheus metrics (outside /api/v1)."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.enums import MediaType
from litestar.plugins.prometheus import PrometheusController

from entrypoints.job_metrics import JOB_QUEUE


class MetricsController(PrometheusController):
    """Litestar's Prometheus endpoint, documented as what it answers: the text exposition format."""

    tags = ["operations"]

    @get(
        operation_id="metrics",
        summary="Prometheus metrics",
        description="Request counts and latencies by route and status, background jobs (waiting, "
        "running and failed by queue and task, the age of the oldest waiting job, durations), in "
        "the Prometheus text format.",
        media_type=MediaType.TEXT,
    )
    async def get(self, request: Request) -> Response[bytes]:  # type: ignore[type-arg]
        statistics = getattr(request.app.state, "job_statistics", None)
        if statistics is not None:  # one grouped query, bounded by a short timeout
            await JOB_QUEUE.refresh(statistics)
        response: Response[bytes] = await PrometheusController.get.fn(self)
        return response
