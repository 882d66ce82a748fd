"""The rule every upload shares: nothing is accepted while the storage cannot take it."""

from __future__ import annotations

from application.errors import DependencyUnavailable
from application.ports.object_storage import ObjectStorage, StorageError


async def require_usable_storage(storage: ObjectStorage) -> None:
    """Raise `DependencyUnavailable("storage")` (503) unless the storage is usable now.

    A bucket that is missing refuses (a `StorageError`) rather than fails: for an upload that is
    an outage all the same, and the client should retry later, not change its request. A signed
    URL alone would not notice (S3 signs without asking the bucket).
    """
    try:
        await storage.check()
    except StorageError as refused:
        raise DependencyUnavailable("storage") from refused
