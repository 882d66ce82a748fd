"""Readiness probe for the object storage."""

from __future__ import annotations

from typing import Protocol

from application.ports.dependency_probe import DependencyProbe


class SupportsCheck(Protocol):
    """A storage that can tell whether it is usable (every storage adapter here can)."""

    async def check(self) -> None:
        """Return when the storage is usable; raise when it is not."""
        ...


class StorageProbe(DependencyProbe):
    """Answers when the storage does (S3: `HeadBucket`; files: the root is writable)."""

    name = "storage"
    location: str

    def __init__(self, storage: SupportsCheck, location: str = "") -> None:
        self._storage = storage
        self.location = location

    async def check(self) -> None:
        await self._storage.check()
