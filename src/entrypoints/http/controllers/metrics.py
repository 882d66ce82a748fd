"""Prometheus metrics (outside /api/v1)."""

from __future__ import annotations

from litestar import Response, get
from litestar.enums import MediaType
from litestar.plugins.prometheus import PrometheusController


class MetricsController(PrometheusController):
    """Litestar's Prometheus endpoint, documented as what it answers: the text exposition format."""

    tags = ["operations"]

    @get(
        operation_id="metrics",
        summary="Prometheus metrics",
        description="Request counts and latencies by route and status, in the Prometheus text format.",
        media_type=MediaType.TEXT,
    )
    async def get(self) -> Response[bytes]:
        response: Response[bytes] = await PrometheusController.get.fn(self)
        return response
