"""Object storage on S3 or any S3-compatible store (MinIO, moto), through boto3.

Clients upload and download straight from the store with presigned URLs. Those URLs are signed by
a second client configured with the endpoint clients reach (`public_endpoint_url`), which may differ
from the one this server uses (`minio:9000` inside docker-compose, `localhost:9000` in a browser);
presigning makes no network call. Every boto3 call runs in a worker thread of the adapter's own,
and every boto3 or botocore error is translated: outages (connection errors, timeouts, 5xx) to
`DependencyUnavailable("storage")`, anything else to a `StorageError`. A store that is slow or stops
answering is an outage too: a call on a request's path that has not ended within
`CALL_DEADLINE_SECONDS` gives `DependencyUnavailable`, and botocore's connect and read timeouts
bound every call.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterable, AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

from adapters.storage.upload_grants import ordered_parts
from application.errors import DependencyUnavailable
from application.ports.object_storage import (
    CompletedPart,
    ObjectStorage,
    StorageError,
    StoredObject,
    UploadPartTarget,
    UploadRejected,
    UploadTarget,
)

CHUNK_BYTES = 64 * 1024
MAX_PARTS = 10_000
_MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # the SigV4 limit
_NOT_FOUND = frozenset({"404", "NoSuchKey", "NotFound"})
_REJECTED = frozenset(
    {"InvalidPart", "InvalidPartOrder", "NoSuchUpload", "EntityTooSmall", "MalformedXML"}
)
_OUTAGE_CODES = frozenset({"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout"})
# botocore's own limits: per connection attempt, per socket read (long server-side operations keep
# the connection alive by sending whitespace), and two attempts in all.
_CONFIG = Config(
    signature_version="s3v4",
    s3={"addressing_style": "path"},
    connect_timeout=2,
    read_timeout=10,
    retries={"max_attempts": 2, "mode": "standard"},
)
# A call on a request's path (metadata, a few bytes) that has not ended after this long
# is an outage: the request gets its 503 while the call ends in its thread within botocore's limits.
CALL_DEADLINE_SECONDS = 5.0
# Calls run on threads of their own, so that a slow store cannot starve other blocking work (bcrypt).
_THREADS = 16
_DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes

_P = ParamSpec("_P")
_T = TypeVar("_T")


class S3RequestFailed(StorageError):
    """S3 refused a request (a 4xx error the adapter has no more specific meaning for)."""

    def __init__(self, operation: str, code: str, status: int | None) -> None:
        super().__init__(f"S3 refused {operation}: {code} (HTTP {status}).")
        self.operation = operation
        self.code = code
        self.status = status


def _translate(operation: str, error: Exception) -> Exception:
    """The port-level error for a boto3/botocore error."""
    if isinstance(error, ClientError):
        code = str(error.response.get("Error", {}).get("Code", "Unknown"))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if (isinstance(status, int) and status >= 500) or code in _OUTAGE_CODES:
            return DependencyUnavailable("storage")
        return S3RequestFailed(operation, code, status if isinstance(status, int) else None)
    if isinstance(error, BotoConnectionError | HTTPClientError | OSError):
        return DependencyUnavailable("storage")
    return StorageError(f"S3 {operation} failed: {type(error).__name__}.")


def _retrieve(future: asyncio.Future[None]) -> None:
    """Mark the outcome as seen, so that a failure nobody waited for is not logged as lost."""
    if not future.cancelled():
        future.exception()


def _quoted(etag: str) -> str:
    return '"' + etag.strip().strip('"') + '"'


def _expires_in(expires_at: datetime) -> int:
    seconds = math.ceil((expires_at - datetime.now(UTC)).total_seconds())
    return max(1, min(seconds, _MAX_PRESIGN_SECONDS))


class S3ObjectStorage(ObjectStorage):
    """Keeps objects in an S3 bucket (under an optional key prefix); clients use presigned URLs."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        public_endpoint_url: str | None = None,
        region_name: str | None = None,
    ) -> None:
        if not bucket:
            raise ValueError("an S3 bucket name is required")
        self._bucket = bucket
        self._prefix = prefix.strip("/")
        session = boto3.session.Session(region_name=region_name)
        self._client: Any = session.client("s3", endpoint_url=endpoint_url, config=_CONFIG)
        self._presigner: Any = session.client(
            "s3", endpoint_url=public_endpoint_url or endpoint_url, config=_CONFIG
        )
        self._executor: ThreadPoolExecutor | None = None  # started by the first call
        self._checking: asyncio.Future[None] | None = None

    @property
    def bucket(self) -> str:
        return self._bucket

    @property
    def prefix(self) -> str:
        return self._prefix

    async def close(self) -> None:
        """Close the clients' connection pools and the threads (a later call starts new ones)."""
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        await asyncio.to_thread(self._client.close)
        await asyncio.to_thread(self._presigner.close)

    async def _call(
        self, operation: str, function: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """Run a blocking boto3 call in a worker thread, translating its errors; a call that takes
        longer than `CALL_DEADLINE_SECONDS` is an outage."""
        return await self._run(CALL_DEADLINE_SECONDS, operation, partial(function, *args, **kwargs))

    async def _call_long(
        self, operation: str, function: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs
    ) -> _T:
        """Like `_call`, for calls that may take long by nature (assembling parts, copying, writing
        whole objects, presigning thousands of part URLs, which makes no network call): only
        botocore's limits apply, which a store that stops answering exceeds."""
        return await self._run(None, operation, partial(function, *args, **kwargs))

    async def _run(self, deadline: float | None, operation: str, call: Callable[[], _T]) -> _T:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="s3")
        future = asyncio.get_running_loop().run_in_executor(self._executor, call)
        try:
            return await asyncio.wait_for(future, deadline)
        except TimeoutError:  # also botocore's socket timeouts
            raise DependencyUnavailable("storage") from None
        except (BotoCoreError, ClientError, OSError) as error:
            raise _translate(operation, error) from error

    async def create_upload(
        self,
        key: str,
        *,
        content_type: str,
        size_bytes: int,
        part_size: int | None,
        expires_at: datetime,
    ) -> UploadTarget:
        if size_bytes < 1:
            raise ValueError("an upload holds at least one byte")
        object_key = self._key(key)
        expires_in = _expires_in(expires_at)
        if part_size is None:
            params = {"Bucket": self._bucket, "Key": object_key, "ContentType": content_type}
            url = await self._call_long(
                "presign put_object",
                self._presigner.generate_presigned_url,
                "put_object",
                Params=params,
                ExpiresIn=expires_in,
            )
            return UploadTarget(
                expires_at=expires_at, url=url, headers={"Content-Type": content_type}
            )
        if part_size < 1:
            raise ValueError("the part size must be positive")
        count = -(-size_bytes // part_size)
        if count > MAX_PARTS:
            raise ValueError(f"S3 allows at most {MAX_PARTS} parts per upload")
        created = await self._call(
            "create_multipart_upload",
            self._client.create_multipart_upload,
            Bucket=self._bucket,
            Key=object_key,
            ContentType=content_type,
        )
        upload_id = str(created["UploadId"])
        try:
            urls = await self._call_long(
                "presign upload_part", self._presign_parts, object_key, upload_id, count, expires_in
            )
        except BaseException:
            with contextlib.suppress(StorageError, DependencyUnavailable):
                await self.abort_upload(key, upload_id)  # best effort: expiry sweeps the rest
            raise
        return UploadTarget(
            expires_at=expires_at,
            part_size=part_size,
            parts=tuple(UploadPartTarget(number, url) for number, url in enumerate(urls, 1)),
            upload_id=upload_id,
        )

    async def complete_upload(
        self, key: str, upload_id: str, parts: Sequence[CompletedPart]
    ) -> None:
        listed = [
            {"PartNumber": part.part_number, "ETag": _quoted(part.etag)}
            for part in ordered_parts(parts)
        ]
        try:
            await self._call_long(
                "complete_multipart_upload",
                self._client.complete_multipart_upload,
                Bucket=self._bucket,
                Key=self._key(key),
                UploadId=upload_id,
                MultipartUpload={"Parts": listed},
            )
        except S3RequestFailed as error:
            if error.code == "NoSuchUpload" and await self.stat(key) is not None:
                # A retry of a completion whose answer was lost: S3 assembled the object and
                # forgot the upload. (The key is the video's own, so the object is this upload's;
                # the caller verifies its size as after any completion.)
                return
            if error.code in _REJECTED:
                raise UploadRejected(f"S3 refused to complete the upload: {error.code}.") from error
            raise

    async def abort_upload(self, key: str, upload_id: str) -> None:
        try:
            await self._call(
                "abort_multipart_upload",
                self._client.abort_multipart_upload,
                Bucket=self._bucket,
                Key=self._key(key),
                UploadId=upload_id,
            )
        except S3RequestFailed as error:
            if error.code != "NoSuchUpload":
                raise

    async def stat(self, key: str) -> StoredObject | None:
        try:
            head = await self._call(
                "head_object", self._client.head_object, Bucket=self._bucket, Key=self._key(key)
            )
        except S3RequestFailed as error:
            if error.code in _NOT_FOUND:
                return None
            raise
        return StoredObject(size_bytes=int(head["ContentLength"]), etag=_quoted(head["ETag"]))

    async def read_head(self, key: str, length: int) -> bytes:
        if length <= 0:
            return b""
        return await self._call("get_object", self._read_all, self._key(key), length)

    async def read_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        if start < 0 or end < start:
            raise ValueError(f"invalid byte range {start}-{end}")
        body = await self._call("get_object", self._open_range, self._key(key), start, end)
        if body is None:
            return
        try:
            while chunk := await self._call("get_object", body.read, CHUNK_BYTES):
                yield chunk
        finally:
            await asyncio.to_thread(body.close)

    async def presign_read(
        self, key: str, *, content_type: str, expires_in_seconds: int
    ) -> str | None:
        params = {
            "Bucket": self._bucket,
            "Key": self._key(key),
            "ResponseContentType": content_type,
        }
        url: str = await self._call_long(
            "presign get_object",
            self._presigner.generate_presigned_url,
            "get_object",
            Params=params,
            ExpiresIn=max(1, min(expires_in_seconds, _MAX_PRESIGN_SECONDS)),
        )
        return url

    async def delete(self, key: str) -> None:
        await self._call(
            "delete_object", self._client.delete_object, Bucket=self._bucket, Key=self._key(key)
        )

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        await self._call_long(
            "put_object",
            self._client.put_object,
            Bucket=self._bucket,
            Key=self._key(key),
            Body=data,
            ContentType=content_type,
        )

    async def copy(self, source_key: str, target_key: str) -> None:
        """A server-side copy (`CopyObject`: no bytes travel through this process; up to 5 GB)."""
        if source_key == target_key:  # S3 refuses to copy an object onto itself unchanged
            if await self.stat(source_key) is None:
                raise StorageError("There is no such object.")
            return
        await self._call_long(
            "copy_object",
            self._client.copy_object,
            Bucket=self._bucket,
            Key=self._key(target_key),
            CopySource={"Bucket": self._bucket, "Key": self._key(source_key)},
        )

    async def copy_many(self, source_key: str, target_keys: Sequence[str]) -> None:
        """Server-side copies, `_THREADS` at a time; after a failure, the copies under way end
        before it is raised (so that none lands after the caller cleans up)."""
        pending = iter(target_keys)
        failures: list[Exception] = []

        async def copier() -> None:
            for key in pending:  # the copiers share one iterator: each key is copied once
                if failures:
                    return
                try:
                    await self.copy(source_key, key)
                except Exception as error:
                    failures.append(error)
                    return

        await asyncio.gather(*(copier() for _ in range(min(_THREADS, len(target_keys)))))
        if failures:
            raise failures[0]

    async def delete_many(self, keys: Sequence[str]) -> None:
        """`DeleteObjects`, up to 1,000 keys a request."""
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            answer = await self._call_long(
                "delete_objects",
                self._client.delete_objects,
                Bucket=self._bucket,
                Delete={"Objects": [{"Key": self._key(key)} for key in batch], "Quiet": True},
            )
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise StorageError(
                    f"S3 did not delete {len(errors)} object(s): {first.get('Key')}: "
                    f"{first.get('Code')} {first.get('Message', '')}".strip()
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
        raise StorageError("Uploads to S3 go straight to the bucket, not through this API.")

    async def presign_reads(
        self, keys: Sequence[str], *, expires_in_seconds: int
    ) -> Sequence[str] | None:
        expires = max(1, min(expires_in_seconds, _MAX_PRESIGN_SECONDS))
        object_keys = [self._key(key) for key in keys]
        urls: list[str] = await self._call_long(
            "presign get_object", self._presign_gets, object_keys, expires
        )
        return urls

    async def delete_prefix(self, prefix: str) -> None:
        if not prefix.endswith("/") or len(prefix) < 2:
            raise StorageError(f"Invalid prefix {prefix!r}: a folder such as 'videos/1/'.")
        await self._call_long("delete_objects", self._delete_all, self._key(prefix))

    async def local_file(self, key: str, scratch_dir: Path) -> Path:
        path = scratch_dir / (key.rsplit("/", 1)[-1] or "object")
        try:
            await self._call_long(
                "get_object", self._client.download_file, self._bucket, self._key(key), str(path)
            )
        except S3RequestFailed as error:
            if error.code in _NOT_FOUND:
                raise StorageError("There is no such object.") from error
            raise
        return path

    async def store_file(self, key: str, path: Path, *, content_type: str) -> None:
        await self._call_long(
            "put_object",
            self._client.upload_file,
            str(path),
            self._bucket,
            self._key(key),
            ExtraArgs={"ContentType": content_type},
        )

    async def check(self) -> None:
        """Ready when the bucket answers `HeadBucket`.

        At most one `HeadBucket` runs at a time: a check made while one is under way waits for that
        one, so that readiness polls against a store that does not answer do not pile up calls.
        """
        running = self._checking
        if (
            running is None
            or running.done()
            or running.get_loop() is not asyncio.get_running_loop()
        ):
            running = self._checking = asyncio.ensure_future(self._head_bucket())
            running.add_done_callback(_retrieve)
        await asyncio.shield(running)

    async def _head_bucket(self) -> None:
        await self._call("head_bucket", self._client.head_bucket, Bucket=self._bucket)

    def _key(self, key: str) -> str:
        if not key:
            raise StorageError("Invalid object key ''.")
        return f"{self._prefix}/{key}" if self._prefix else key

    # Blocking helpers, run in worker threads.

    def _presign_parts(
        self, object_key: str, upload_id: str, count: int, expires_in: int
    ) -> list[str]:
        return [
            self._presigner.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": self._bucket,
                    "Key": object_key,
                    "UploadId": upload_id,
                    "PartNumber": number,
                },
                ExpiresIn=expires_in,
            )
            for number in range(1, count + 1)
        ]

    def _presign_gets(self, object_keys: list[str], expires_in: int) -> list[str]:
        return [
            self._presigner.generate_presigned_url(
                "get_object", Params={"Bucket": self._bucket, "Key": key}, ExpiresIn=expires_in
            )
            for key in object_keys
        ]

    def _delete_all(self, object_prefix: str) -> None:
        """Delete every object under a prefix, a thousand per request (S3's limit)."""
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=object_prefix
        )
        for page in pages:
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if not keys:
                continue
            answer = self._client.delete_objects(
                Bucket=self._bucket, Delete={"Objects": keys, "Quiet": True}
            )
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise StorageError(
                    f"S3 kept {len(answer['Errors'])} object(s): {first.get('Code')} "
                    f"for {first.get('Key')}."
                )

    def _open_range(self, object_key: str, start: int, end: int) -> Any:
        """The streaming body of bytes `start`..`end`, or None when `start` is past the end."""
        try:
            response = self._client.get_object(
                Bucket=self._bucket, Key=object_key, Range=f"bytes={start}-{end}"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":
                return None
            raise
        return response["Body"]

    def _read_all(self, object_key: str, length: int) -> bytes:
        body = self._open_range(object_key, 0, length - 1)
        if body is None:
            return b""
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data
