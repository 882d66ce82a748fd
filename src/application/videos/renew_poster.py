"""The poster job: a new poster at the moment the owner picked."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from uuid import UUID

from application.common.storage_cleanup import StorageCleanup
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.id_generator import IdGenerator
from application.ports.media_processor import MediaProcessor, MediaRejected
from application.ports.object_storage import ObjectStorage, StorageError
from application.ports.unit_of_work import UnitOfWorkFactory
from application.videos.storage_keys import poster_key, stream_key
from domain.videos import VideoStatus


@dataclass(frozen=True, slots=True, kw_only=True)
class RenewPosterCommand:
    video_id: UUID


class RenewPoster:
    """Extract the poster at the video's `posterAtSeconds` from its MP4 (a job of the `media` queue).

    The new poster gets a new version (so a new `posterUrl`: caches never serve the old one) and
    the old image is deleted. A video that is gone, not ready, or whose chosen moment changed
    meanwhile (a later job does that one) is left as it is.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: ObjectStorage,
        processor: MediaProcessor,
        cleanup: StorageCleanup,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._processor = processor
        self._cleanup = cleanup
        self._clock = clock
        self._ids = ids

    async def execute(self, command: RenewPosterCommand) -> None:
        async with self._uow() as uow:
            video = await uow.videos.get(command.video_id)
        if video is None or not video.is_processed or video.poster_at_seconds is None:
            return
        moment = video.poster_at_seconds
        version = self._ids.new_id().hex
        new_key = poster_key(video.id, version)
        async with self._processor.workspace() as workspace:
            try:
                source = await self._storage.local_file(stream_key(video.id), workspace)
                poster = await self._processor.poster_at(source, workspace / "poster", moment)
            except (StorageError, MediaRejected):
                return  # the stream is gone or unreadable: the current poster stays
            await self._storage.store_file(
                new_key,
                workspace / "poster" / poster.file.name,
                content_type=poster.file.content_type,
            )
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.videos.get(video.id)
            renewed = (
                dataclasses.replace(
                    current, poster_version=version, blurhash=poster.blurhash, updated_at=now
                )
                if current is not None
                and current.is_processed
                and current.poster_at_seconds == moment
                else None
            )
            if renewed is not None and await uow.videos.save(
                renewed, expected_status=VideoStatus.READY
            ):
                old = current.poster_version if current is not None else None
                queued = [PendingDeletion(poster_key(video.id, old))] if old else []
            else:
                queued = [PendingDeletion(new_key)]
            await uow.deletions.enqueue(queued, now)
            await uow.commit()
        await self._cleanup.attempt(queued)
