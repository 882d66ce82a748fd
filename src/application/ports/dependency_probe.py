"""Port for readiness checks of the service's dependencies."""

from __future__ import annotations

from typing import Protocol


class DependencyNotReady(Exception):
    """The dependency answers, but this release cannot use it as it is (say, a database that was
    not migrated). The message says why and what to do; the readiness check shows it."""


class DependencyProbe(Protocol):
    """Checks one dependency (database, storage) is reachable."""

    @property
    def name(self) -> str:
        """The dependency's name in the readiness report."""
        ...

    location: str
    """Where the dependency is, for the logs (a URL without credentials; may be empty)."""

    async def check(self) -> None:
        """Return when the dependency answers; raise when it does not (`DependencyNotReady` when
        it answers but cannot be used as it is)."""
        ...
