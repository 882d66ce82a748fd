"""Finish an upload: verify what arrived in storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from application.common.storage_cleanup import StorageCleanup
from application.common.visibility import owned_video, visible_view
from application.jobs.catalog import PROCESS_VIDEO
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.object_storage import CompletedPart, ObjectStorage, UploadRejected
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import VideoQueries, VideoView
from domain.errors import ValidationFailed
from domain.videos import InvalidTransition, Video, VideoStatus, container_matches, published_delta

HEAD_BYTES = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class CompleteUploadCommand:
    owner_id: UUID
    video_id: UUID
    parts: Sequence[CompletedPart] | None = None


class CompleteUpload:
    """Check the uploaded file and hand it to processing, or fail the video.

    Rules: only the owner may complete, and only a video still `uploading` (else 409). A multipart
    upload needs every part's number and ETag. The stored file must exist, have exactly the declared
    `sizeBytes`, and start like the declared container (MP4/QuickTime: an `ftyp` box; WebM: the EBML
    header). Otherwise the video becomes `failed` with a `failureReason` and the file is deleted.
    A good file makes the video `processing`, and its processing job is queued in the same
    transaction; processing then makes it `ready` or `failed` (see the processing job).
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: ObjectStorage,
        queries: VideoQueries,
        cleanup: StorageCleanup,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._queries = queries
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, command: CompleteUploadCommand) -> VideoView:
        async with self._uow() as uow:
            video = await owned_video(uow, command.video_id, command.owner_id)
        if video.status is not VideoStatus.UPLOADING:
            raise InvalidTransition(f"The video is {video.status}, not uploading.")
        if video.upload_id and not command.parts:
            raise ValidationFailed.single(
                "parts", "a multipart upload needs the ETag of every part"
            )
        if not video.upload_id and command.parts:
            raise ValidationFailed.single("parts", "this upload is a single PUT; send no parts")

        reason = await self._failure_reason(video, command.parts or ())
        now = self._clock.now()
        queued: list[PendingDeletion] = []
        async with self._uow() as uow:
            if reason is None:
                finished = video.moved_to(VideoStatus.PROCESSING, now)
                await uow.tasks.defer(
                    PROCESS_VIDEO, {"video_id": str(video.id)}, dedupe_key=str(video.id)
                )
            else:
                finished = video.moved_to(VideoStatus.FAILED, now, reason=reason)
                queued.append(PendingDeletion(video.storage_key, video.upload_id))
            if not await uow.videos.save(finished, expected_status=VideoStatus.UPLOADING):
                raise InvalidTransition("The video is no longer uploading.")
            if delta := published_delta(video, finished):
                await uow.users.add_to_counters(video.owner_id, videos=delta)
            await uow.deletions.enqueue(queued, now)
            await uow.commit()
        await self._cleanup.attempt(queued)
        return await visible_view(self._queries, video.id, command.owner_id)

    async def _failure_reason(self, video: Video, parts: Sequence[CompletedPart]) -> str | None:
        if video.upload_id:
            try:
                await self._storage.complete_upload(video.storage_key, video.upload_id, parts)
            except UploadRejected as rejected:
                return f"The parts could not be assembled: {rejected}"
        stored = await self._storage.stat(video.storage_key)
        if stored is None:
            return "No file was uploaded."
        if stored.size_bytes != video.size_bytes:
            return (
                f"The uploaded file has {stored.size_bytes} bytes, "
                f"but {video.size_bytes} were declared."
            )
        head = await self._storage.read_head(video.storage_key, HEAD_BYTES)
        if not container_matches(video.content_type, head):
            return f"The file is not a {video.content_type} video."
        return None
