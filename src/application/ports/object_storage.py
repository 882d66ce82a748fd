"""The object-storage port: where video bytes live (memory, local files, S3)."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from domain.errors import DomainError


class StorageError(DomainError):
    """The storage refused or failed an operation (not an outage: see `DependencyUnavailable`)."""


class UploadTooLarge(StorageError):
    """More bytes arrived than the upload (or part) allows."""


class UploadRejected(StorageError):
    """The upload cannot be completed as asked (unknown upload, bad part list or ETag)."""


@dataclass(frozen=True, slots=True)
class UploadPartTarget:
    """Where the client PUTs one part of a multipart upload (parts are numbered from 1)."""

    part_number: int
    url: str


@dataclass(frozen=True, slots=True)
class UploadTarget:
    """How a client uploads an object: one PUT to `url`, or (multipart) one PUT per part."""

    expires_at: datetime
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    part_size: int | None = None
    parts: tuple[UploadPartTarget, ...] = ()
    upload_id: str | None = None  # the storage's multipart upload id (kept to complete or abort)

    @property
    def is_multipart(self) -> bool:
        return self.part_size is not None


@dataclass(frozen=True, slots=True)
class CompletedPart:
    """A part the client uploaded and the ETag the storage answered for it."""

    part_number: int
    etag: str


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What the storage knows of an object."""

    size_bytes: int
    etag: str


class ObjectStorage(Protocol):
    """Stores objects by key; clients upload and download them directly where the storage can."""

    async def check(self) -> None:
        """Return when the storage is usable (a bucket that answers, a folder that takes a file);
        raise otherwise (`DependencyUnavailable`, or `StorageError` when it refuses)."""
        ...

    async def create_upload(
        self,
        key: str,
        *,
        content_type: str,
        size_bytes: int,
        part_size: int | None,
        expires_at: datetime,
    ) -> UploadTarget:
        """Upload instructions: one URL (`part_size` None), or ceil(size / part_size) part URLs.

        A single upload's URL accepts exactly `size_bytes` at most; each part at most `part_size`.
        """
        ...

    async def complete_upload(
        self, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> None:
        """Assemble a multipart upload from its parts; raises `UploadRejected` if they are wrong."""
        ...

    async def abort_upload(self, key: str, upload_id: str) -> None:
        """Discard a multipart upload and its parts (idempotent)."""
        ...

    async def stat(self, key: str) -> StoredObject | None:
        """Size and ETag of an object, or None when there is none."""
        ...

    async def read_head(self, key: str, length: int) -> bytes:
        """Up to `length` first bytes of an object (fewer if it is shorter)."""
        ...

    def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Stream bytes `start`..`end` (inclusive) of an object in chunks."""
        ...

    async def presign_read(
        self, key: str, *, content_type: str, expires_in_seconds: int
    ) -> str | None:
        """A short-lived URL clients can GET the object from, or None if the API must stream it."""
        ...

    async def delete(self, key: str) -> None:
        """Delete an object (idempotent: a missing object is not an error)."""
        ...

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Store small bytes directly (server-side use: seeding, tests)."""
        ...

    async def copy(self, source_key: str, target_key: str) -> None:
        """Store a copy of an object under another key; cheap where the storage allows."""
        ...

    async def copy_many(self, source_key: str, target_keys: Sequence[str]) -> None:
        """Store a copy of an object under each of `target_keys` (bulk work such as seeding), far
        cheaper than one `copy` each where the storage allows. Raises on the first failure; the
        copies made before it stay (`delete_many` removes them)."""
        ...

    async def delete_many(self, keys: Sequence[str]) -> None:
        """Delete objects (a missing one is not an error), far cheaper than one `delete` each
        where the storage allows."""
        ...

    async def receive(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        max_bytes: int,
        part_number: int | None = None,
        upload_id: str | None = None,
    ) -> str:
        """Write an upload (or one part) that came through this API; returns its ETag.

        Only storages whose upload URLs point at this API implement it (memory, local files);
        raises `UploadTooLarge` past `max_bytes`, leaving nothing behind.
        """
        ...

    async def presign_reads(
        self, keys: Sequence[str], *, expires_in_seconds: int
    ) -> Sequence[str] | None:
        """`presign_read` of many objects at once (their stored content types apply), in order;
        None if the API must serve them."""
        ...

    async def delete_prefix(self, prefix: str) -> None:
        """Delete every object whose key starts with `prefix`, a folder (it ends with '/').

        Idempotent: a prefix without objects is no error.
        """
        ...

    async def local_file(self, key: str, scratch_dir: Path) -> Path:
        """A local file holding the object's bytes: the stored file itself where the storage keeps
        files locally (to read, never to change), else a download into `scratch_dir`."""
        ...

    async def store_file(self, key: str, path: Path, *, content_type: str) -> None:
        """Store the bytes of a local file under `key`, streamed (large files go in parts)."""
        ...
