"""Reading stored objects back to clients: a short-lived storage URL, or the bytes through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import partial

from application.ports.object_storage import ObjectStorage, StorageError
from domain.errors import NotFound


@dataclass(frozen=True, slots=True)
class ObjectRead:
    """Either a short-lived storage URL to redirect to, or how the API streams the bytes itself."""

    redirect_url: str | None
    size_bytes: int
    content_type: str
    etag: str
    read: Callable[[int, int], AsyncIterator[bytes]]  # inclusive byte range -> chunks


async def object_read(
    storage: ObjectStorage,
    key: str,
    *,
    content_type: str,
    expires_in_seconds: int,
    redirect: bool = True,
) -> ObjectRead:
    """How to answer a read of `key` (a redirect where the storage presigns and `redirect` allows).

    Raises `NotFound` when the object is missing.
    """
    read = partial(storage.read_range, key)
    if redirect:
        url = await storage.presign_read(
            key, content_type=content_type, expires_in_seconds=expires_in_seconds
        )
        if url is not None:
            return ObjectRead(url, 0, content_type, "", read)
    stored = await storage.stat(key)
    if stored is None:
        raise NotFound("The file is missing from storage.")
    return ObjectRead(None, stored.size_bytes, content_type, stored.etag, read)


async def small_object(storage: ObjectStorage, key: str, max_bytes: int) -> bytes:
    """The whole of a small object (a playlist, an avatar); `NotFound` when it is missing."""
    try:
        data = await storage.read_head(key, max_bytes)
    except StorageError as error:
        raise NotFound("The file is missing from storage.") from error
    if not data and await storage.stat(key) is None:
        raise NotFound("The file is missing from storage.")
    return data
