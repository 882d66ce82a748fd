"""Liveness and readiness probes (outside /api/v1)."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get
from litestar.params import SkipValidation

from application.health.check_readiness import CheckReadiness


class HealthOut(msgspec.Struct):
    """`ok`, or `unavailable` with the dependencies that failed."""

    status: str
    failing: list[str] = []


class HealthController(Controller):
    """Probes for orchestrators and load balancers."""

    path = "/health"
    tags = ["operations"]

    @get("/live", operation_id="live", summary="The process is up", sync_to_thread=False)
    def live(self) -> HealthOut:
        return HealthOut(status="ok")

    @get(
        "/ready",
        operation_id="ready",
        summary="Every dependency answers (503 naming the failing ones otherwise)",
        responses={},
    )
    async def ready(self, check_readiness: SkipValidation[CheckReadiness]) -> Response[HealthOut]:
        failing = await check_readiness.execute()
        if failing:
            return Response(HealthOut(status="unavailable", failing=failing), status_code=503)
        return Response(HealthOut(status="ok"))
