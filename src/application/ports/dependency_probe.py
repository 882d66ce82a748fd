"""Port for readiness checks of the service's dependencies."""

from __future__ import annotations

from typing import Protocol


class DependencyProbe(Protocol):
    """Checks one dependency (database, storage) is reachable."""

    name: str

    async def check(self) -> None:
        """Return when the dependency answers; raise when it does not."""
        ...
