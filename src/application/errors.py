"""Errors that the application raises beyond the domain's own."""

from __future__ import annotations

from domain.errors import DomainError


class DependencyUnavailable(DomainError):
    """A dependency (database, storage, cache) is down or too slow; retrying later may succeed."""

    def __init__(self, dependency: str) -> None:
        super().__init__(f"The {dependency} is unavailable. Please retry shortly.")
        self.dependency = dependency
