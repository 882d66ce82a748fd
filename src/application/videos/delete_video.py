"""Delete a video and its stored file."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.storage_cleanup import StorageCleanup
from application.common.visibility import owned_video
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.unit_of_work import UnitOfWorkFactory
from application.videos.storage_keys import video_prefix
from domain.videos import published_delta


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteVideoCommand:
    owner_id: UUID
    video_id: UUID


class DeleteVideo:
    """Delete a video (owner only) with its likes and comments; every stored file of it (the upload,
    the poster, the renditions) is deleted after the commit (retried if that fails). The owner's
    received-likes count drops by the video's likes."""

    def __init__(self, uow: UnitOfWorkFactory, cleanup: StorageCleanup, clock: Clock) -> None:
        self._uow = uow
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, command: DeleteVideoCommand) -> None:
        async with self._uow() as uow:
            video = await owned_video(uow, command.video_id, command.owner_id)
            queued = [
                PendingDeletion(video.storage_key, video.upload_id),
                PendingDeletion(video_prefix(video.id)),  # poster, renditions, HLS, MP4
            ]
            await uow.videos.delete(video.id)
            await uow.users.add_to_counters(
                video.owner_id, videos=published_delta(video, None), likes=-video.like_count
            )
            await uow.deletions.enqueue(queued, self._clock.now())
            await uow.commit()
        await self._cleanup.attempt(queued)
