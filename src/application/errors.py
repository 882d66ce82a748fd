"""Errors that the application raises beyond the domain's own."""

from __future__ import annotations

from domain.errors import DomainError


class DependencyUnavailable(DomainError):
    """A dependency (database, storage, cache) is down or too slow; retrying later may succeed."""

    def __init__(self, dependency: str) -> None:
        super().__init__(f"The {dependency} is unavailable. Please retry shortly.")
        self.dependency = dependency


def describe(error: BaseException) -> str:
    """An error and the errors that caused it, in one line (for logs and the commands):
    `Type: message <- Cause: message`."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen and len(parts) < 4:
        seen.add(id(current))
        message = " ".join(str(current).split())[:300]
        parts.append(f"{type(current).__name__}: {message}" if message else type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(parts)
