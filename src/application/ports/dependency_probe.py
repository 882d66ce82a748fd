"""Port for readiness checks of the service's dependencies."""

from __future__ import annotations

from typing import Protocol


class DependencyProbe(Protocol):
    """Checks one dependency (database, storage) is reachable."""

    @property
    def name(self) -> str:
        """The dependency's name in the readiness report."""
        ...

    async def check(self) -> None:
        """Return when the dependency answers; raise when it does not."""
        ...
