"""Prometheus metrics (outside /api/v1), for the configured addresses or the metrics token only."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, Router, get
from litestar.connection import ASGIConnection
from litestar.enums import MediaType
from litestar.handlers import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController
from litestar.types import Guard

from entrypoints.http.errors import problem
from entrypoints.http.schemas.problems import problems
from entrypoints.job_metrics import JOB_QUEUE

SKIP_RATE_LIMIT = "skip_rate_limit"  # the `opt` key of routes the rate limit leaves alone


class MetricsController(PrometheusController):
    """Litestar's Prometheus endpoint, documented as what it answers: the text exposition format."""

    tags = ["operations"]
    opt = {SKIP_RATE_LIMIT: True}

    @get(
        operation_id="metrics",
        summary="Prometheus metrics",
        description=(
            "Request counts and latencies by route and status, background jobs (waiting, running "
            "and failed by queue and task, the age of the oldest waiting job, durations), in the "
            "Prometheus text format. Answered to the addresses of `CLIPSTREAM_METRICS_ALLOW` "
            "(default: loopback) and to requests with `Authorization: Bearer "
            "<CLIPSTREAM_METRICS_TOKEN>`; 403 otherwise."
        ),
        media_type=MediaType.TEXT,
        responses=problems(403),
    )
    async def get(self, request: Request) -> Response[bytes]:  # type: ignore[type-arg]
        statistics = getattr(request.app.state, "job_statistics", None)
        if statistics is not None:  # one grouped query, bounded by a short timeout
            await JOB_QUEUE.refresh(statistics)
        response: Response[bytes] = await PrometheusController.get.fn(self)
        return response


def metrics_guard(allow: Sequence[str], token: bytes | None) -> Guard:
    """Lets through clients whose address is in `allow`, or that send the metrics token."""
    networks = [ipaddress.ip_network(network, strict=False) for network in allow]
    expected = b"Bearer " + token if token else None

    def allowed(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if expected is not None:
            sent = connection.headers.get("authorization", "").encode("latin-1", "replace")
            if hmac.compare_digest(sent, expected):
                return
        host = connection.client.host if connection.client else ""
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            address = None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address is not None and any(address in network for network in networks):
            return
        raise problem(403, "Metrics are served to the configured addresses or with the token.")

    return allowed


def metrics_router(allow: Sequence[str], token: bytes | None) -> Router:
    """`/metrics` behind its guard."""
    return Router(
        path="/", route_handlers=[MetricsController], guards=[metrics_guard(allow, token)]
    )
