"""The `media` job: turn an uploaded original into what clients play."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from application.common.storage_cleanup import StorageCleanup
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.id_generator import IdGenerator
from application.ports.media_processor import (
    MediaProcessor,
    MediaRejected,
    ProcessedMedia,
    ProcessingPlan,
)
from application.ports.object_storage import ObjectStorage, StorageError
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.videos.settings import ProcessingPolicy
from application.videos.storage_keys import output_key, poster_key, video_prefix
from domain.media import Rendition
from domain.videos import Video, VideoStatus, published_delta

PROCESSING_FAILED = "processing failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessVideoCommand:
    video_id: UUID


class ProcessVideo:
    """Process a video that is `processing` (a job of the `media` queue; any other video: nothing).

    Probe the original: not decodable, no video track, longer than the maximum duration or larger
    than 4096 px on a side makes the video `failed` with a reason a person can read, and the
    original is deleted. Else write the poster (a frame that is neither black nor blank when the
    clip has one, with its BlurHash), the H.264/AAC renditions at each configured short side not
    above the source's (one at its own size for a smaller source), their HLS playlists and
    segments, and the faststart MP4 of the largest rendition; store every file under the video's
    own prefix; then, in one transaction, the video becomes `ready` (published) with its duration,
    display size, renditions and poster, and (unless originals are kept) the original is queued
    for deletion. Processing runs in a child process with a time and memory limit; a failed
    attempt raises, so that the job is retried (see `FailProcessing` for the last one). A video
    deleted meanwhile leaves nothing behind.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: ObjectStorage,
        processor: MediaProcessor,
        cleanup: StorageCleanup,
        clock: Clock,
        ids: IdGenerator,
        policy: ProcessingPolicy,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._processor = processor
        self._cleanup = cleanup
        self._clock = clock
        self._ids = ids
        self._policy = policy

    async def execute(self, command: ProcessVideoCommand) -> None:
        async with self._uow() as uow:
            video = await uow.videos.get(command.video_id)
        if video is None or video.status is not VideoStatus.PROCESSING:
            return  # already processed, failed or deleted: a repeated job does nothing
        plan = ProcessingPlan(
            rendition_heights=self._policy.rendition_heights,
            max_duration_seconds=self._policy.max_duration_seconds,
        )
        async with self._processor.workspace() as workspace:
            try:
                source = await self._storage.local_file(video.storage_key, workspace)
            except StorageError:
                await self._reject(video.id, "The uploaded file is missing.")
                return
            output = workspace / "output"
            output.mkdir()
            try:
                media = await self._processor.process(source, output, plan)
            except MediaRejected as rejected:
                await self._reject(video.id, str(rejected))
                return
            version = self._ids.new_id().hex
            await self._store(video.id, media, output, version)
        await self._publish(video.id, media, version)

    async def _store(
        self, video_id: UUID, media: ProcessedMedia, output: Path, version: str
    ) -> None:
        """Store every file under the video's prefix (the poster under its version's key)."""
        for file in media.files:
            key = (
                poster_key(video_id, version)
                if file == media.poster.file
                else output_key(video_id, file.name)
            )
            await self._storage.store_file(key, output / file.name, content_type=file.content_type)

    async def _publish(self, video_id: UUID, media: ProcessedMedia, version: str) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.videos.get(video_id)
            if current is None or current.status is VideoStatus.FAILED:
                # Deleted or given up meanwhile: everything under its prefix must go.
                queued = [PendingDeletion(video_prefix(video_id))]
            elif current.status is VideoStatus.PROCESSING and await uow.videos.save(
                ready := self._ready(current, media, version, now),
                expected_status=VideoStatus.PROCESSING,
            ):
                await _count_publication(uow, current, ready)
                keep = self._policy.keep_originals
                queued = [] if keep else [PendingDeletion(current.storage_key)]
            else:  # made ready by another run meanwhile: only this run's poster is extra
                queued = [PendingDeletion(poster_key(video_id, version))]
            await uow.deletions.enqueue(queued, now)
            await uow.commit()
        await self._cleanup.attempt(queued)

    @staticmethod
    def _ready(video: Video, media: ProcessedMedia, version: str, now: datetime) -> Video:
        return dataclasses.replace(
            video.moved_to(VideoStatus.READY, now),
            duration_seconds=media.info.duration_seconds,
            width=media.info.width,
            height=media.info.height,
            renditions=tuple(
                Rendition(r.width, r.height, r.bitrate_kbps) for r in media.renditions
            ),
            poster_version=version,
            blurhash=media.poster.blurhash,
        )

    async def _reject(self, video_id: UUID, reason: str) -> None:
        """The file is refused: the video fails with the reason, the original is deleted."""
        await fail_video(self._uow, self._cleanup, self._clock, video_id, reason)


async def _count_publication(uow: UnitOfWork, before: Video, after: Video) -> None:
    if delta := published_delta(before, after):
        await uow.users.add_to_counters(before.owner_id, videos=delta)


async def fail_video(
    uow_factory: UnitOfWorkFactory,
    cleanup: StorageCleanup,
    clock: Clock,
    video_id: UUID,
    reason: str,
) -> None:
    """A `processing` video becomes `failed` with `reason`; every object it has is deleted."""
    now = clock.now()
    queued: list[PendingDeletion] = []
    async with uow_factory() as uow:
        video = await uow.videos.get(video_id)
        if video is None or video.status is not VideoStatus.PROCESSING:
            return
        failed = video.moved_to(VideoStatus.FAILED, now, reason=reason)
        if await uow.videos.save(failed, expected_status=VideoStatus.PROCESSING):
            queued = [PendingDeletion(video.storage_key), PendingDeletion(video_prefix(video.id))]
            await uow.deletions.enqueue(queued, now)
            await uow.commit()
    await cleanup.attempt(queued)
