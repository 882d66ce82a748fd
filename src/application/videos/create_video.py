"""Start a video: the row in `uploading`, and upload instructions straight to storage."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.storage_ready import require_usable_storage
from application.common.validation import ErrorCollector
from application.ports.clock import Clock
from application.ports.id_generator import IdGenerator
from application.ports.object_storage import ObjectStorage, UploadTarget
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import VideoView
from application.videos.settings import UploadPolicy
from application.videos.storage_keys import source_key
from domain.errors import InvalidToken
from domain.videos import (
    Caption,
    Video,
    VideoStatus,
    parse_content_type,
    parse_size,
    parse_visibility,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateVideoCommand:
    owner_id: UUID
    content_type: str
    size_bytes: int
    caption: str | None = None
    visibility: str = "public"


@dataclass(frozen=True, slots=True)
class CreatedVideo:
    """The new video and how to upload its file."""

    view: VideoView
    upload: UploadTarget


class CreateVideo:
    """Create a video in status `uploading` and return where to upload its file.

    Rules: `contentType` is video/mp4, video/webm or video/quicktime; `sizeBytes` is 1..the
    configured maximum (default 2 GiB); the caption has at most 2200 characters and its hashtags
    are its `#words`, lower-cased; visibility defaults to public. Up to the multipart threshold
    (default 64 MiB) the upload is one PUT to `upload.url` with `upload.headers`; above it, one PUT
    per part of `upload.partSize` bytes (the last may be shorter), each answering an `ETag` that
    `complete` needs. Upload URLs expire at `upload.expiresAt`; a video never completed expires
    after the upload deadline (default 24 h) and its stored bytes are removed. While the storage
    is not usable (a bucket that is missing or does not answer, a folder that takes no file),
    nothing is created and the answer is 503.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: ObjectStorage,
        policy: UploadPolicy,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._policy = policy
        self._clock = clock
        self._ids = ids

    async def execute(self, command: CreateVideoCommand) -> CreatedVideo:
        check = ErrorCollector()
        caption = check.parse(lambda: Caption.parse(command.caption))
        visibility = check.parse(lambda: parse_visibility(command.visibility))
        content_type = check.parse(lambda: parse_content_type(command.content_type))
        size = check.parse(lambda: parse_size(command.size_bytes, self._policy.max_bytes))
        check.raise_if_any()

        async with self._uow() as uow:
            owner = await uow.users.get(command.owner_id)
        if owner is None:
            raise InvalidToken()
        await require_usable_storage(self._storage)

        video_id = self._ids.new_id()
        key = source_key(video_id)
        now = self._clock.now()
        upload = await self._storage.create_upload(
            key,
            content_type=content_type,
            size_bytes=size,
            part_size=self._policy.part_size(size),
            expires_at=now + min(self._policy.url_ttl, self._policy.upload_ttl),
        )
        video = Video(
            id=video_id,
            owner_id=owner.id,
            caption=caption.text,
            hashtags=caption.hashtags,
            visibility=visibility,
            status=VideoStatus.UPLOADING,
            content_type=content_type,
            size_bytes=size,
            storage_key=key,
            created_at=now,
            updated_at=now,
            upload_id=upload.upload_id,
            upload_expires_at=now + self._policy.upload_ttl,
        )
        try:
            async with self._uow() as uow:
                await uow.videos.add(video)
                await uow.commit()
        except BaseException:
            if upload.upload_id:  # don't leave an open multipart upload behind
                await self._storage.abort_upload(key, upload.upload_id)
            raise
        return CreatedVideo(
            view=VideoView(
                video=video,
                author=owner,
                liked_by_me=False,
                saved_by_me=False,
                follows_author=False,
            ),
            upload=upload,
        )
