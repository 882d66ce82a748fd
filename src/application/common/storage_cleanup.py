"""Deleting stored objects after the rows that referenced them are gone."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.object_storage import ObjectStorage
from application.ports.unit_of_work import UnitOfWorkFactory

logger = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)


class StorageCleanup:
    """Deletes queued objects (and aborts their multipart uploads); failures are retried later.

    A queued key that ends with '/' is a folder: every object under it is deleted.

    Use cases queue deletions in the same transaction that removes the rows, then call `attempt`
    after the commit; the worker calls `run` to retry what failed, with exponential back-off.
    """

    def __init__(self, uow: UnitOfWorkFactory, storage: ObjectStorage, clock: Clock) -> None:
        self._uow = uow
        self._storage = storage
        self._clock = clock

    async def attempt(self, items: Sequence[PendingDeletion]) -> None:
        """Try to delete these queued objects now; what fails stays queued for the worker."""
        for item in items:
            try:
                if item.upload_id:
                    await self._storage.abort_upload(item.key, item.upload_id)
                if item.key.endswith("/"):  # a folder: everything under it
                    await self._storage.delete_prefix(item.key)
                else:
                    await self._storage.delete(item.key)
            except Exception:  # any storage failure: the queue keeps it, the worker retries
                logger.warning("deleting %s failed; will retry", item.key, exc_info=True)
                delay = min(MAX_BACKOFF, timedelta(seconds=30 * 2 ** min(item.attempts, 10)))
                async with self._uow() as uow:
                    await uow.deletions.retry_later(item.key, self._clock.now() + delay)
                    await uow.commit()
                continue
            async with self._uow() as uow:
                await uow.deletions.done(item.key)
                await uow.commit()

    async def run(self, limit: int = 100) -> int:
        """Attempt the deletions that are due; returns how many were attempted."""
        async with self._uow() as uow:
            due = await uow.deletions.due(self._clock.now(), limit)
        await self.attempt(due)
        return len(due)


def folder_of(key: str) -> PendingDeletion:
    """The deletion of the folder holding `key` (a video's objects all live in its upload's folder)."""
    return PendingDeletion(key.rsplit("/", 1)[0] + "/")
