"""Serve a stored media file through a signed URL of this API (storages without presigned URLs)."""

from __future__ import annotations

from dataclasses import dataclass

from application.common.object_reads import ObjectRead, object_read
from application.ports.clock import Clock
from application.ports.media_urls import MediaUrls
from application.ports.object_storage import ObjectStorage
from domain.errors import Forbidden, InvalidToken

CONTENT_TYPES = {
    "m4s": "video/iso.segment",
    "mp4": "video/mp4",
    "ts": "video/mp2t",
    "m3u8": "application/vnd.apple.mpegurl",
    "jpg": "image/jpeg",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeMediaQuery:
    token: str


class ServeMedia:
    """The object a signed media URL names (`Range` supported). The URL itself is the
    authorisation: it names one object and expires; a tampered or expired one is refused (403,
    as object stores refuse an expired presigned URL), a missing file is 404."""

    def __init__(self, storage: ObjectStorage, media_urls: MediaUrls, clock: Clock) -> None:
        self._storage = storage
        self._media_urls = media_urls
        self._clock = clock

    async def execute(self, query: ServeMediaQuery) -> ObjectRead:
        try:
            key = self._media_urls.verify(query.token, self._clock.now())
        except InvalidToken:
            raise Forbidden("The media URL is invalid or has expired.") from None
        extension = key.rsplit(".", 1)[-1].lower() if "." in key.rsplit("/", 1)[-1] else ""
        return await object_read(
            self._storage,
            key,
            content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
            expires_in_seconds=0,
            redirect=False,
        )
