"""Object storage in a dict: the default for tests and the embedded development setup."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from adapters.storage.upload_grants import ordered_parts, same_etag, signed_upload_target
from application.ports.object_storage import (
    CompletedPart,
    ObjectStorage,
    StorageError,
    StoredObject,
    UploadRejected,
    UploadTarget,
    UploadTooLarge,
)
from application.ports.upload_grants import UploadGrants

CHUNK_BYTES = 64 * 1024


def _check_prefix(prefix: str) -> None:
    if not prefix.endswith("/") or prefix.startswith("/") or len(prefix) < 2:
        raise StorageError(f"Invalid prefix {prefix!r}: a folder such as 'videos/1/'.")


def _etag(data: bytes) -> str:
    return f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'


@dataclass(slots=True)
class _PendingUpload:
    key: str
    parts: dict[int, bytes] = field(default_factory=dict)


class MemoryObjectStorage(ObjectStorage):
    """Keeps objects in a dict; clients upload through this API with signed URLs."""

    def __init__(self, grants: UploadGrants, public_url: str) -> None:
        self._grants = grants
        self._public_url = public_url
        self._objects: dict[str, bytes] = {}
        self._uploads: dict[str, _PendingUpload] = {}

    def stored_keys(self) -> list[str]:
        """Every stored object's key (for tests: what a run left behind)."""
        return list(self._objects)

    async def create_upload(
        self,
        key: str,
        *,
        content_type: str,
        size_bytes: int,
        part_size: int | None,
        expires_at: datetime,
    ) -> UploadTarget:
        upload_id = None if part_size is None else uuid.uuid4().hex
        target = signed_upload_target(
            self._grants,
            self._public_url,
            key,
            size_bytes=size_bytes,
            part_size=part_size,
            expires_at=expires_at,
            upload_id=upload_id,
        )
        if upload_id is not None:
            self._uploads[upload_id] = _PendingUpload(key)
        return target

    async def complete_upload(
        self, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> None:
        upload = self._pending(key, upload_id)
        pieces: list[bytes] = []
        for part in ordered_parts(parts):
            data = upload.parts.get(part.part_number)
            if data is None:
                raise UploadRejected(f"Part {part.part_number} was never uploaded.")
            if not same_etag(part.etag, _etag(data)):
                raise UploadRejected(f"Part {part.part_number} does not match its ETag.")
            pieces.append(data)
        self._objects[key] = b"".join(pieces)
        del self._uploads[upload_id]

    async def abort_upload(self, key: str, upload_id: str) -> None:
        upload = self._uploads.get(upload_id)
        if upload is not None and upload.key == key:
            del self._uploads[upload_id]

    async def stat(self, key: str) -> StoredObject | None:
        data = self._objects.get(key)
        return None if data is None else StoredObject(size_bytes=len(data), etag=_etag(data))

    async def read_head(self, key: str, length: int) -> bytes:
        return self._object(key)[: max(length, 0)]

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        if start < 0 or end < start:
            raise ValueError(f"invalid byte range {start}-{end}")
        data = self._object(key)
        stop = min(end + 1, len(data))
        for offset in range(start, stop, CHUNK_BYTES):
            yield data[offset : min(offset + CHUNK_BYTES, stop)]

    async def presign_read(
        self, key: str, *, content_type: str, expires_in_seconds: int
    ) -> str | None:
        return None

    async def delete(self, key: str) -> None:
        self._objects.pop(key, None)

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        self._objects[key] = bytes(data)

    async def copy(self, source_key: str, target_key: str) -> None:
        self._objects[target_key] = self._object(source_key)  # bytes are immutable: shared

    async def copy_many(self, source_key: str, target_keys: Sequence[str]) -> None:
        stored = self._object(source_key)
        for key in target_keys:
            self._objects[key] = stored

    async def delete_many(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._objects.pop(key, None)

    async def receive(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        max_bytes: int,
        part_number: int | None = None,
        upload_id: str | None = None,
    ) -> str:
        slot = self._part_slot(key, part_number, upload_id)
        received = bytearray()
        async for chunk in chunks:
            if len(received) + len(chunk) > max_bytes:
                raise UploadTooLarge(f"The upload exceeds its limit of {max_bytes} bytes.")
            received += chunk
        data = bytes(received)
        if slot is None:
            self._objects[key] = data
        else:
            upload, number = slot
            if self._uploads.get(upload_id or "") is not upload:
                raise UploadRejected("The multipart upload was aborted or completed meanwhile.")
            upload.parts[number] = data
        return _etag(data)

    async def presign_reads(
        self, keys: Sequence[str], *, expires_in_seconds: int
    ) -> Sequence[str] | None:
        return None

    async def delete_prefix(self, prefix: str) -> None:
        _check_prefix(prefix)
        for key in [key for key in self._objects if key.startswith(prefix)]:
            del self._objects[key]

    async def local_file(self, key: str, scratch_dir: Path) -> Path:
        path = scratch_dir / (key.rsplit("/", 1)[-1] or "object")
        await asyncio.to_thread(path.write_bytes, self._object(key))
        return path

    async def store_file(self, key: str, path: Path, *, content_type: str) -> None:
        self._objects[key] = await asyncio.to_thread(path.read_bytes)

    async def check(self) -> None:
        """Always ready: the objects live in this process."""

    def _pending(self, key: str, upload_id: str) -> _PendingUpload:
        upload = self._uploads.get(upload_id)
        if upload is None or upload.key != key:
            raise UploadRejected("There is no such multipart upload for this key.")
        return upload

    def _part_slot(
        self, key: str, part_number: int | None, upload_id: str | None
    ) -> tuple[_PendingUpload, int] | None:
        """The pending upload and part number a `receive` writes to, or None for an object."""
        if part_number is None and upload_id is None:
            return None
        if part_number is None or upload_id is None or part_number < 1:
            raise UploadRejected("A part needs both a part number (from 1) and an upload id.")
        return self._pending(key, upload_id), part_number

    def _object(self, key: str) -> bytes:
        data = self._objects.get(key)
        if data is None:
            raise StorageError(f"There is no object {key!r}.")
        return data
