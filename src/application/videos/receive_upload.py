"""Receive an upload PUT to this API (storages without presigned URLs)."""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass

from application.ports.clock import Clock
from application.ports.object_storage import ObjectStorage
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.upload_grants import UploadGrants
from application.videos.storage_keys import video_id_of
from domain.errors import Forbidden, InvalidToken, NotFound
from domain.videos import VideoStatus


@dataclass(frozen=True, slots=True)
class ReceiveUploadCommand:
    token: str
    chunks: AsyncIterable[bytes]


class ReceiveUpload:
    """Store the body of `PUT /uploads/{token}`: the signed token names the file (or part), the
    most bytes it may have and until when it is valid. Past that size the upload is refused (413)
    and nothing is kept; a tampered or expired token is refused (403); the video must still be
    uploading (404 otherwise). Returns the ETag of what was stored."""

    def __init__(
        self, uow: UnitOfWorkFactory, storage: ObjectStorage, grants: UploadGrants, clock: Clock
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._grants = grants
        self._clock = clock

    async def execute(self, command: ReceiveUploadCommand) -> str:
        try:
            grant = self._grants.verify(command.token, self._clock.now())
        except InvalidToken:
            raise Forbidden("The upload URL is invalid or has expired.") from None
        video_id = video_id_of(grant.key)
        async with self._uow() as uow:
            video = await uow.videos.get(video_id) if video_id else None
        if video is None or video.status is not VideoStatus.UPLOADING:
            raise NotFound("No upload is waiting for this URL.")
        return await self._storage.receive(
            grant.key,
            command.chunks,
            max_bytes=grant.max_bytes,
            part_number=grant.part_number,
            upload_id=grant.upload_id,
        )
