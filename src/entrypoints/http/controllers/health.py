"""Liveness and readiness probes (outside /api/v1)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.params import SkipValidation

from application.health.check_readiness import CheckReadiness
from entrypoints.http.controllers.metrics import SKIP_RATE_LIMIT
from entrypoints.http.errors import problem
from entrypoints.http.schemas.problems import problems


class HealthOut(msgspec.Struct):
    """The service answers."""

    status: str


class HealthController(Controller):
    """Probes for orchestrators and load balancers."""

    path = "/health"
    tags = ["operations"]
    opt = {SKIP_RATE_LIMIT: True}

    @get("/live", operation_id="live", summary="The process is up", sync_to_thread=False)
    def live(self) -> HealthOut:
        return HealthOut(status="ok")

    @get(
        "/ready",
        operation_id="ready",
        summary="Every dependency answers",
        description="503 problem details otherwise: `failing` names the failing dependencies "
        "(`database`, `storage`) and `reasons` says why for each (`unavailable`, or what to fix, "
        "like a database whose schema is behind this release: `run clipstream migrate`). The "
        "cause of an outage is in the service's log.",
        responses=problems(503),
    )
    async def ready(self, check_readiness: SkipValidation[CheckReadiness]) -> HealthOut:
        failing = await check_readiness.execute()
        if failing:
            raise problem(
                503,
                "Not ready: " + "; ".join(f"{f.dependency}: {f.reason}" for f in failing) + ".",
                slug="not-ready",
                headers={"Retry-After": "5"},
                extra={
                    "failing": [f.dependency for f in failing],
                    "reasons": {f.dependency: f.reason for f in failing},
                },
            )
        return HealthOut(status="ok")
