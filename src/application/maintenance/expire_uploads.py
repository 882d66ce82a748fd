"""Expire uploads that were never completed."""

from __future__ import annotations

from application.common.storage_cleanup import StorageCleanup
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.videos import VideoStatus

EXPIRED_REASON = "The upload was not completed in time."


class ExpireUploads:
    """Videos still `uploading` past their upload deadline become `failed`; their objects and open
    multipart uploads are deleted from storage."""

    def __init__(self, uow: UnitOfWorkFactory, cleanup: StorageCleanup, clock: Clock) -> None:
        self._uow = uow
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, limit: int = 100) -> int:
        now = self._clock.now()
        queued: list[PendingDeletion] = []
        async with self._uow() as uow:
            for video in await uow.videos.expired_uploads(now, limit):
                failed = video.moved_to(VideoStatus.FAILED, now, reason=EXPIRED_REASON)
                if await uow.videos.save(failed, expected_status=VideoStatus.UPLOADING):
                    queued.append(PendingDeletion(video.storage_key, video.upload_id))
            await uow.deletions.enqueue(queued, now)
            await uow.commit()
        await self._cleanup.attempt(queued)
        return len(queued)
