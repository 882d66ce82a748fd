"""Check that the service's dependencies answer."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from application.ports.dependency_probe import DependencyProbe


class CheckReadiness:
    """Probe every dependency concurrently, each within `timeout` seconds.

    Returns the names of the dependencies that failed or did not answer in time (empty when ready).
    """

    def __init__(self, probes: Sequence[DependencyProbe], timeout: float = 2.0) -> None:
        self._probes = probes
        self._timeout = timeout

    async def execute(self) -> list[str]:
        results = await asyncio.gather(
            *(asyncio.wait_for(probe.check(), self._timeout) for probe in self._probes),
            return_exceptions=True,
        )
        return [
            probe.name
            for probe, result in zip(self._probes, results, strict=True)
            if isinstance(result, BaseException)
        ]
