"""Object storage on the local filesystem: the embedded default (`./var/media`).

Objects live at `root/<key>`; the parts of a multipart upload under `root/.multipart/<upload id>/`.
Every write goes to a hidden temporary file beside its destination and is renamed into place only
when complete, so readers never see half an object. Keys may not contain hidden (dot) segments, so
they never meet these internals, nor anything outside `root`.

Since no write ever changes a file in place, a copy can be a hard link to the same file (a plain
file copy where the filesystem refuses links): replacing or deleting either key leaves the other
intact.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import re
import shutil
import stat as stat_mode
import tempfile
import threading
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, ParamSpec, TypeVar

from adapters.storage.upload_grants import ordered_parts, same_etag, signed_upload_target
from application.errors import DependencyUnavailable
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
_WRITE_BATCH_BYTES = 1024 * 1024
_COPY_BYTES = 1024 * 1024
_DELETE_THREADS = 8
_MULTIPART_DIR = ".multipart"
_KEY_FILE = "key"
_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")

_P = ParamSpec("_P")
_T = TypeVar("_T")


async def _io(function: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
    """Run blocking file I/O in a worker thread; an `OSError` becomes a `StorageError`."""
    try:
        return await asyncio.to_thread(function, *args, **kwargs)
    except OSError as error:
        raise StorageError(f"The local storage failed: {error.strerror or error}.") from error


def _quoted_md5(digest: hashlib._Hash) -> str:
    return f'"{digest.hexdigest()}"'


def _mkstemp_beside(target: Path, *, create_parents: bool) -> tuple[int, str]:
    """Open a new hidden temporary file in `target`'s directory (creating it if asked)."""
    attempts = 3 if create_parents else 1
    while True:
        attempts -= 1
        if create_parents:
            target.parent.mkdir(parents=True, exist_ok=True)
        try:
            return tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        except FileNotFoundError:
            # A concurrent `delete` pruned the (then empty) directory in between: make it again.
            if attempts <= 0:
                raise


class _TempFile:
    """A temporary file beside `target` that replaces it on `commit` (blocking: use threads)."""

    def __init__(self, target: Path, *, create_parents: bool) -> None:
        fd, name = _mkstemp_beside(target, create_parents=create_parents)
        self.target = target
        self.path = Path(name)
        self._file: BinaryIO = os.fdopen(fd, "wb")
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._lock = threading.Lock()  # a discard after a cancelled await waits for the write

    def write(self, chunks: list[bytes]) -> None:
        with self._lock:
            for chunk in chunks:
                self._file.write(chunk)
                self._md5.update(chunk)

    def append_file(self, source: Path) -> str:
        """Copy `source` to the end of this file; returns the quoted MD5 of `source`."""
        part_md5 = hashlib.md5(usedforsecurity=False)
        with self._lock, source.open("rb") as reader:
            while block := reader.read(_COPY_BYTES):
                self._file.write(block)
                part_md5.update(block)
        return _quoted_md5(part_md5)

    def commit(self) -> str:
        """Move the file into place; returns the quoted MD5 of everything written."""
        with self._lock:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.path, self.target)
        return _quoted_md5(self._md5)

    def discard(self) -> None:
        """Close and remove the file (best effort: it is hidden, and never read)."""
        with self._lock, contextlib.suppress(OSError):
            try:
                self._file.close()
            finally:
                self.path.unlink(missing_ok=True)


def _gone_if_missing(error: StorageError, is_part: bool) -> StorageError:
    """`UploadRejected` for a part whose upload directory vanished (aborted or completed)."""
    if is_part and isinstance(error.__cause__, FileNotFoundError):
        return UploadRejected("The multipart upload was aborted or completed.")
    return error


class FileSystemObjectStorage(ObjectStorage):
    """Keeps objects as files under a root directory; clients upload through this API."""

    def __init__(self, root: Path, grants: UploadGrants, public_url: str) -> None:
        self._root = Path(root).absolute()
        self._root.mkdir(parents=True, exist_ok=True)
        self._uploads = self._root / _MULTIPART_DIR
        self._grants = grants
        self._public_url = public_url

    @property
    def root(self) -> Path:
        return self._root

    async def create_upload(
        self,
        key: str,
        *,
        content_type: str,
        size_bytes: int,
        part_size: int | None,
        expires_at: datetime,
    ) -> UploadTarget:
        self._path(key)  # refuse a bad key before handing out URLs for it
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
            await _io(self._start_upload, self._uploads / upload_id, key)
        return target

    async def complete_upload(
        self, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> None:
        target = self._path(key)
        upload_dir = self._upload_dir(upload_id)
        await _io(self._assemble, upload_dir, key, target, ordered_parts(parts))

    async def abort_upload(self, key: str, upload_id: str) -> None:
        self._path(key)
        if _UPLOAD_ID.fullmatch(upload_id):
            await _io(self._abort, self._uploads / upload_id, key)

    async def stat(self, key: str) -> StoredObject | None:
        return await _io(self._stat, self._path(key))

    async def read_head(self, key: str, length: int) -> bytes:
        path = self._path(key)
        file = await self._open(path)
        try:
            return await _io(file.read, max(length, 0))
        finally:
            await _io(file.close)

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        if start < 0 or end < start:
            raise ValueError(f"invalid byte range {start}-{end}")
        file = await self._open(self._path(key))
        try:
            await _io(file.seek, start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = await _io(file.read, min(CHUNK_BYTES, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            await _io(file.close)

    async def presign_read(
        self, key: str, *, content_type: str, expires_in_seconds: int
    ) -> str | None:
        return None

    async def delete(self, key: str) -> None:
        await _io(self._delete, self._path(key))

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        temp = await _io(_TempFile, self._path(key), create_parents=True)
        try:
            await _io(temp.write, [data])
            await _io(temp.commit)
        except BaseException:
            await asyncio.to_thread(temp.discard)
            raise

    async def copy(self, source_key: str, target_key: str) -> None:
        await _io(self._copy, self._path(source_key), self._path(target_key))

    async def copy_many(self, source_key: str, target_keys: Sequence[str]) -> None:
        """Hard links, made in one worker thread: a directory and a link per key."""
        source = self._path(source_key)
        targets = [self._path(key) for key in target_keys]
        await _io(self._copy_many, source, targets)

    async def delete_many(self, keys: Sequence[str]) -> None:
        """Several worker threads: a deletion mostly waits for the disk, and deletions in
        different directories do not wait for each other."""
        paths = [self._path(key) for key in keys]
        share = -(-len(paths) // _DELETE_THREADS)
        if paths:
            await asyncio.gather(
                *(_io(self._delete_many, paths[i : i + share]) for i in range(0, len(paths), share))
            )

    async def receive(
        self,
        key: str,
        chunks: AsyncIterable[bytes],
        *,
        max_bytes: int,
        part_number: int | None = None,
        upload_id: str | None = None,
    ) -> str:
        target = self._path(key)
        is_part = part_number is not None or upload_id is not None
        if is_part:
            if part_number is None or upload_id is None or part_number < 1:
                raise UploadRejected("A part needs both a part number (from 1) and an upload id.")
            upload_dir = self._upload_dir(upload_id)
            await _io(self._check_upload, upload_dir, key)
            target = upload_dir / str(part_number)
        try:
            temp = await _io(_TempFile, target, create_parents=not is_part)
        except StorageError as error:
            raise _gone_if_missing(error, is_part) from error.__cause__
        try:
            return await self._write(temp, chunks, max_bytes)
        except BaseException as error:
            await asyncio.to_thread(temp.discard)
            if isinstance(error, StorageError):
                raise _gone_if_missing(error, is_part) from error.__cause__
            raise

    async def presign_reads(
        self, keys: Sequence[str], *, expires_in_seconds: int
    ) -> Sequence[str] | None:
        return None

    async def delete_prefix(self, prefix: str) -> None:
        if not prefix.endswith("/") or len(prefix) < 2:
            raise StorageError(f"Invalid prefix {prefix!r}: a folder such as 'videos/1/'.")
        await _io(self._delete_tree, self._path(prefix[:-1]))

    async def local_file(self, key: str, scratch_dir: Path) -> Path:
        path = self._path(key)
        if await _io(self._stat, path) is None:
            raise StorageError("There is no such object.")
        return path

    async def store_file(self, key: str, path: Path, *, content_type: str) -> None:
        await _io(self._store_file, path, self._path(key))

    async def check(self) -> None:
        """Ready when the root directory exists and accepts a new file."""
        try:
            await asyncio.to_thread(self._probe_write)
        except OSError as error:
            raise DependencyUnavailable("storage") from error

    async def _write(self, temp: _TempFile, chunks: AsyncIterable[bytes], max_bytes: int) -> str:
        size = 0
        batch: list[bytes] = []
        batch_size = 0
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(f"The upload exceeds its limit of {max_bytes} bytes.")
            batch.append(chunk)
            batch_size += len(chunk)
            if batch_size >= _WRITE_BATCH_BYTES:
                await _io(temp.write, batch)
                batch, batch_size = [], 0
        if batch:
            await _io(temp.write, batch)
        return await _io(temp.commit)

    async def _open(self, path: Path) -> BinaryIO:
        try:
            return await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
            raise StorageError("There is no such object.") from error
        except OSError as error:
            raise StorageError(f"The local storage failed: {error.strerror or error}.") from error

    def _path(self, key: str) -> Path:
        """The file of `key`; `StorageError` unless it is a plain relative path inside the root."""
        segments = key.split("/")
        if (
            not key
            or "\\" in key
            or "\x00" in key
            or any(not segment or segment.startswith(".") for segment in segments)
        ):
            raise StorageError(f"Invalid object key {key!r}.")
        return self._root.joinpath(*segments)

    def _upload_dir(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.fullmatch(upload_id):
            raise UploadRejected("There is no such multipart upload.")
        return self._uploads / upload_id

    # Blocking helpers, run in worker threads.

    @staticmethod
    def _start_upload(upload_dir: Path, key: str) -> None:
        upload_dir.mkdir(parents=True)
        (upload_dir / _KEY_FILE).write_text(key, encoding="utf-8")

    @staticmethod
    def _check_upload(upload_dir: Path, key: str) -> None:
        try:
            owner = (upload_dir / _KEY_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            owner = None
        if owner != key:
            raise UploadRejected("There is no such multipart upload for this key.")

    @classmethod
    def _assemble(
        cls, upload_dir: Path, key: str, target: Path, parts: list[CompletedPart]
    ) -> None:
        cls._check_upload(upload_dir, key)
        sources = [upload_dir / str(part.part_number) for part in parts]
        for part, source in zip(parts, sources, strict=True):
            if not source.is_file():
                raise UploadRejected(f"Part {part.part_number} was never uploaded.")
        temp = _TempFile(target, create_parents=True)
        try:
            for part, source in zip(parts, sources, strict=True):
                try:
                    etag = temp.append_file(source)
                except FileNotFoundError as error:
                    raise UploadRejected(f"Part {part.part_number} was never uploaded.") from error
                if not same_etag(part.etag, etag):
                    raise UploadRejected(f"Part {part.part_number} does not match its ETag.")
            temp.commit()
        except BaseException:
            temp.discard()
            raise
        shutil.rmtree(upload_dir, ignore_errors=True)

    @classmethod
    def _abort(cls, upload_dir: Path, key: str) -> None:
        try:
            cls._check_upload(upload_dir, key)
        except UploadRejected:
            return
        shutil.rmtree(upload_dir, ignore_errors=True)

    @staticmethod
    def _stat(path: Path) -> StoredObject | None:
        try:
            info = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not stat_mode.S_ISREG(info.st_mode):
            return None
        return StoredObject(
            size_bytes=info.st_size, etag=f'"{info.st_size:x}-{info.st_mtime_ns:x}"'
        )

    @classmethod
    def _copy(cls, source: Path, target: Path) -> None:
        if cls._stat(source) is None:
            raise StorageError("There is no such object.")
        if source == target:
            return
        try:
            cls._link(source, target)
        except FileNotFoundError:
            if cls._stat(source) is None:  # deleted meanwhile
                raise StorageError("There is no such object.") from None
            raise
        except OSError:  # no hard links here (another device, FAT, a link limit...): copy
            cls._write_copy(source, target)

    @classmethod
    def _copy_many(cls, source: Path, targets: list[Path]) -> None:
        if cls._stat(source) is None:
            raise StorageError("There is no such object.")
        linked = source  # what the next target becomes a link of
        for target in targets:
            if target == source:
                continue
            try:  # the usual case, a new key in a new directory: two system calls
                with contextlib.suppress(FileExistsError):
                    os.mkdir(target.parent)
                os.link(linked, target)
            except OSError as error:
                if error.errno == errno.EMLINK:  # the file has all the links it may have
                    cls._write_copy(source, target)
                    linked = target
                else:  # an existing key (replaced), a missing parent, no hard links...: as `copy`
                    cls._copy(linked, target)

    @staticmethod
    def _write_copy(source: Path, target: Path) -> None:
        temp = _TempFile(target, create_parents=True)
        try:
            temp.append_file(source)
            temp.commit()
        except BaseException:
            temp.discard()
            raise

    @staticmethod
    def _link(source: Path, target: Path) -> None:
        """Hard-link `source` to a hidden name beside `target`, then rename it into place."""
        attempts = 3
        while True:
            attempts -= 1
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
            try:
                os.link(source, temp)
                break
            except FileNotFoundError:
                # A concurrent `delete` pruned the (then empty) directory in between: make it again.
                if attempts <= 0 or not source.exists():
                    raise
        try:
            os.replace(temp, target)
        finally:
            # A rename between two links of one file does nothing and leaves `temp` behind.
            temp.unlink(missing_ok=True)

    def _delete_many(self, paths: list[Path]) -> None:
        for path in paths:
            self._delete(path)

    def _delete(self, path: Path) -> None:
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return
        self._prune(path.parent)  # the directories the object leaves empty

    def _delete_tree(self, path: Path) -> None:
        """Delete a folder of objects, and the parents it leaves empty."""
        if not path.is_dir():
            return
        shutil.rmtree(path, ignore_errors=True)
        if path.exists():  # a file was being written meanwhile: once more, failing loudly
            shutil.rmtree(path)
        self._prune(path.parent)

    def _prune(self, parent: Path) -> None:
        while parent != self._root and self._root in parent.parents:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    @staticmethod
    def _store_file(source: Path, target: Path) -> None:
        temp = _TempFile(target, create_parents=True)
        try:
            temp.append_file(source)
            temp.commit()
        except BaseException:
            temp.discard()
            raise

    def _probe_write(self) -> None:
        if not self._root.is_dir():
            raise FileNotFoundError(self._root)
        with tempfile.TemporaryFile(dir=self._root, prefix=".probe."):
            pass
