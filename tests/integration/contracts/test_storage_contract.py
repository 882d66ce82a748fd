"""One contract suite for the object-storage port, run on every adapter (memory, local files, S3):
moving video bytes off the process must keep behaviour.

S3 is a real HTTP endpoint: moto's threaded server on a free local port (fresh bucket per test), plus
any S3-compatible store named by `TEST_S3_ENDPOINT_URL` (MinIO...; bucket `TEST_S3_BUCKET`, or a
fresh one; credentials from the usual AWS variables). The moto tests never skip: without moto they
fail under `CI=true`.

Uploads are made the way a client makes them: a URL of this API (`/api/v1/uploads/{token}`) is
verified with the grants and fed to `storage.receive` with the grant's limits, as the API route does;
any other URL gets a real HTTP PUT.

The adapter-specific checks at the end cover what the others cannot have (key validation and
temporary files on disk, S3 endpoints, prefixes and outages), then upload grants and the factory.
"""

from __future__ import annotations

import asyncio
import base64
import errno
import hashlib
import hmac
import json
import os
import random
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from adapters.storage.factory import build_storage
from adapters.storage.filesystem import FileSystemObjectStorage
from adapters.storage.memory import MemoryObjectStorage
from adapters.storage.probe import StorageProbe
from adapters.storage.s3 import S3ObjectStorage
from adapters.storage.upload_grants import UPLOAD_PATH, HmacUploadGrants
from application.errors import DependencyUnavailable
from application.ports.object_storage import (
    CompletedPart,
    StorageError,
    UploadRejected,
    UploadTarget,
    UploadTooLarge,
)
from application.ports.upload_grants import UploadGrant
from domain.errors import InvalidToken

PUBLIC_URL = "http://api.clipstream.test"
SECRET = b"upload-grant-secret-for-the-tests-0123456789"
S3_MIN_PART = 5 * 1024 * 1024  # S3 refuses smaller parts, except the last one
LOCAL_PART = 100_000
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
EXTERNAL_S3 = os.environ.get("TEST_S3_ENDPOINT_URL", "").strip()
BACKENDS = ["memory", "filesystem", "s3", *(["s3-external"] if EXTERNAL_S3 else [])]

Storage = MemoryObjectStorage | FileSystemObjectStorage | S3ObjectStorage


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _raw_client(endpoint_url: str | None) -> Any:
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=REGION, config=config)


def _quoted_md5(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


def _expiry() -> datetime:
    return datetime.now(UTC) + timedelta(hours=1)


async def _chunks(data: bytes, size: int = 32_768) -> AsyncIterator[bytes]:
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


@dataclass
class S3Location:
    """Where the S3 subject keeps its objects, and a plain client to look behind its back."""

    endpoint_url: str | None
    bucket: str
    prefix: str
    client: Any


@dataclass
class Subject:
    """The storage under test and what the tests need to drive it like a client."""

    kind: str  # memory | filesystem | s3
    storage: Storage
    grants: HmacUploadGrants
    part_size: int
    root: Path | None = None
    s3: S3Location | None = None

    @property
    def is_local(self) -> bool:
        return self.kind != "s3"

    async def put(self, url: str, data: bytes, headers: dict[str, str] | None = None) -> str:
        """Upload `data` to an upload URL like a client; returns the ETag the storage answered."""
        if UPLOAD_PATH in url:
            assert url.startswith(PUBLIC_URL + UPLOAD_PATH)
            grant = self.grants.verify(url.split(UPLOAD_PATH, 1)[1], datetime.now(UTC))
            return await self.storage.receive(
                grant.key,
                _chunks(data),
                max_bytes=grant.max_bytes,
                part_number=grant.part_number,
                upload_id=grant.upload_id,
            )
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.put(url, content=data, headers=headers or {})
        assert response.status_code == 200, response.text
        return response.headers["ETag"]

    async def upload(self, key: str, data: bytes) -> str:
        target = await self.storage.create_upload(
            key,
            content_type="video/mp4",
            size_bytes=len(data),
            part_size=None,
            expires_at=_expiry(),
        )
        assert target.url is not None
        return await self.put(target.url, data, target.headers)

    async def upload_parts(self, target: UploadTarget, data: bytes) -> dict[int, str]:
        """PUT every part of a multipart target concurrently; returns their ETags by number."""
        assert target.part_size is not None
        size = target.part_size

        async def put_part(number: int, url: str) -> tuple[int, str]:
            return number, await self.put(url, data[(number - 1) * size : number * size])

        results = await asyncio.gather(*(put_part(p.part_number, p.url) for p in target.parts))
        return dict(results)

    async def read(self, key: str, start: int, end: int) -> bytes:
        return b"".join([chunk async for chunk in self.storage.read_range(key, start, end)])


# Fixtures ------------------------------------------------------------------------------------


def _empty_prefix(location: S3Location) -> None:
    client, bucket = location.client, location.bucket
    uploads = client.list_multipart_uploads(Bucket=bucket, Prefix=location.prefix)
    for upload in uploads.get("Uploads", []):
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=location.prefix
    ):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])


def _create_bucket(client: Any, bucket: str) -> None:
    if REGION == "us-east-1":
        client.create_bucket(Bucket=bucket)
    else:
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )


@contextmanager
def _s3_location(endpoint_url: str | None, *, external: bool) -> Iterator[S3Location]:
    """A fresh bucket (or, on an external store with `TEST_S3_BUCKET`, a fresh prefix in it)."""
    client = _raw_client(endpoint_url)
    shared_bucket = os.environ.get("TEST_S3_BUCKET", "").strip() if external else ""
    bucket = shared_bucket or f"clipstream-test-{uuid.uuid4().hex[:16]}"
    if not shared_bucket:
        _create_bucket(client, bucket)
    location = S3Location(endpoint_url, bucket, f"media-{uuid.uuid4().hex[:8]}", client)
    try:
        yield location
    finally:
        _empty_prefix(location)
        if not shared_bucket:
            client.delete_bucket(Bucket=bucket)
        client.close()


@pytest.fixture
def moto_location(moto_endpoint: str) -> Iterator[S3Location]:
    with _s3_location(moto_endpoint, external=False) as location:
        yield location


@pytest.fixture
async def moto_storage(moto_location: S3Location) -> AsyncIterator[S3ObjectStorage]:
    storage = S3ObjectStorage(
        moto_location.bucket,
        moto_location.prefix,
        endpoint_url=moto_location.endpoint_url,
        region_name=REGION,
    )
    try:
        yield storage
    finally:
        await storage.close()


@pytest.fixture(params=BACKENDS)
async def subject(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Subject]:
    grants = HmacUploadGrants(SECRET)
    if request.param == "memory":
        yield Subject("memory", MemoryObjectStorage(grants, PUBLIC_URL), grants, LOCAL_PART)
        return
    if request.param == "filesystem":
        root = tmp_path / "media"
        storage = FileSystemObjectStorage(root, grants, PUBLIC_URL)
        yield Subject("filesystem", storage, grants, LOCAL_PART, root=root)
        return
    if request.param == "s3-external":
        request.getfixturevalue("aws_environment")
        endpoint: str = EXTERNAL_S3
    else:
        endpoint = request.getfixturevalue("moto_endpoint")
    with _s3_location(endpoint, external=request.param == "s3-external") as location:
        s3 = S3ObjectStorage(
            location.bucket, location.prefix, endpoint_url=endpoint, region_name=REGION
        )
        try:
            yield Subject("s3", s3, grants, S3_MIN_PART, s3=location)
        finally:
            await s3.close()


@pytest.fixture
def grants() -> HmacUploadGrants:
    return HmacUploadGrants(SECRET)


def _random_bytes(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def _files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _names_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def _grant_of(url: str, grants: HmacUploadGrants) -> UploadGrant:
    return grants.verify(url.split(UPLOAD_PATH, 1)[1], datetime.now(UTC))


# The contract, on every adapter ---------------------------------------------------------------


async def test_single_upload_round_trip(subject: Subject) -> None:
    data = _random_bytes(200_003)
    key = "videos/0001/original.mp4"
    expires_at = _expiry()
    target = await subject.storage.create_upload(
        key, content_type="video/mp4", size_bytes=len(data), part_size=None, expires_at=expires_at
    )
    assert not target.is_multipart
    assert target.url is not None
    assert target.parts == ()
    assert target.expires_at == expires_at
    if subject.is_local:
        assert target.url.startswith(f"{PUBLIC_URL}/api/v1/uploads/")
        assert target.headers == {}
        grant = _grant_of(target.url, subject.grants)
        assert (grant.key, grant.max_bytes, grant.part_number) == (key, len(data), None)
    else:
        assert target.headers == {"Content-Type": "video/mp4"}
    assert await subject.storage.stat(key) is None

    etag = await subject.put(target.url, data, target.headers)

    assert etag == _quoted_md5(data)
    stored = await subject.storage.stat(key)
    assert stored is not None
    assert stored.size_bytes == len(data)
    assert len(stored.etag) > 2
    assert stored.etag.startswith('"')
    assert stored.etag.endswith('"')
    assert await subject.storage.read_head(key, 8) == data[:8]
    assert await subject.storage.read_head(key, len(data) + 100) == data
    last = len(data) - 1
    for start, end in [(0, 0), (last, last), (0, last), (1, 65_536), (65_535, 131_073)]:
        assert await subject.read(key, start, end) == data[start : end + 1], (start, end)
    assert await subject.read(key, last - 9, last + 1000) == data[-10:]  # the end is clamped
    assert await subject.read(key, len(data), len(data) + 5) == b""  # nothing past the end
    chunks = [chunk async for chunk in subject.storage.read_range(key, 0, last)]
    assert len(chunks) > 1
    assert all(0 < len(chunk) <= 64 * 1024 for chunk in chunks)


async def test_an_upload_replaces_the_object(subject: Subject) -> None:
    await subject.upload("a/clip.webm", b"first version")
    await subject.upload("a/clip.webm", b"second")
    stored = await subject.storage.stat("a/clip.webm")
    assert stored is not None
    assert stored.size_bytes == len(b"second")
    assert await subject.storage.read_head("a/clip.webm", 100) == b"second"


async def test_a_missing_object_has_no_stat_and_cannot_be_read(subject: Subject) -> None:
    assert await subject.storage.stat("videos/none/original.mp4") is None
    with pytest.raises(StorageError):
        await subject.storage.read_head("videos/none/original.mp4", 10)
    with pytest.raises(StorageError):
        await subject.read("videos/none/original.mp4", 0, 10)


async def test_multipart_round_trip(subject: Subject) -> None:
    size = subject.part_size
    data = _random_bytes(2 * size + size // 3, seed=11)
    key = "videos/0002/original.mp4"
    target = await subject.storage.create_upload(
        key, content_type="video/mp4", size_bytes=len(data), part_size=size, expires_at=_expiry()
    )
    assert target.is_multipart
    assert target.part_size == size
    assert target.url is None
    assert target.upload_id
    assert [part.part_number for part in target.parts] == [1, 2, 3]
    if subject.is_local:
        limits = [_grant_of(part.url, subject.grants).max_bytes for part in target.parts]
        assert limits == [size, size, len(data) - 2 * size]

    etags = await subject.upload_parts(target, data)
    assert await subject.storage.stat(key) is None  # nothing until completed

    completed = [
        CompletedPart(3, etags[3]),
        CompletedPart(1, etags[1]),
        CompletedPart(2, etags[2].strip('"')),  # clients often drop the quotes
    ]
    await subject.storage.complete_upload(key, target.upload_id, completed)

    stored = await subject.storage.stat(key)
    assert stored is not None
    assert stored.size_bytes == len(data)
    assert await subject.storage.read_head(key, 4) == data[:4]
    assert await subject.read(key, 0, len(data) - 1) == data
    assert await subject.read(key, size - 1, size) == data[size - 1 : size + 1]  # across parts
    if subject.root is not None:
        assert not (subject.root / ".multipart" / target.upload_id).exists()


async def _one_part_upload(subject: Subject, key: str, data: bytes) -> tuple[str, str]:
    """A multipart upload of one (short, hence last) part, uploaded; its id and the part's ETag."""
    target = await subject.storage.create_upload(
        key,
        content_type="video/mp4",
        size_bytes=len(data),
        part_size=subject.part_size,
        expires_at=_expiry(),
    )
    assert target.upload_id is not None
    assert len(target.parts) == 1
    etags = await subject.upload_parts(target, data)
    return target.upload_id, etags[1]


async def test_complete_with_a_wrong_etag_is_rejected(subject: Subject) -> None:
    data = b"\x00\x00\x00\x18ftypmp42" + bytes(1000)
    key = "videos/0003/original.mp4"
    upload_id, etag = await _one_part_upload(subject, key, data)
    wrong = _quoted_md5(b"something else")
    with pytest.raises(UploadRejected):
        await subject.storage.complete_upload(key, upload_id, [CompletedPart(1, wrong)])
    assert await subject.storage.stat(key) is None

    await subject.storage.complete_upload(key, upload_id, [CompletedPart(1, etag)])  # still open
    assert await subject.storage.read_head(key, 1 << 20) == data


async def test_complete_with_a_missing_part_is_rejected(subject: Subject) -> None:
    size = subject.part_size
    data = _random_bytes(size + 10, seed=3)
    key = "videos/0004/original.mp4"
    target = await subject.storage.create_upload(
        key, content_type="video/mp4", size_bytes=len(data), part_size=size, expires_at=_expiry()
    )
    assert target.upload_id is not None
    assert len(target.parts) == 2
    etag = await subject.put(target.parts[0].url, data[:size])
    missing = CompletedPart(2, _quoted_md5(data[size:]))

    with pytest.raises(UploadRejected):
        await subject.storage.complete_upload(
            key, target.upload_id, [CompletedPart(1, etag), missing]
        )
    with pytest.raises(UploadRejected):
        await subject.storage.complete_upload(key, target.upload_id, [])
    with pytest.raises(UploadRejected):
        await subject.storage.complete_upload(
            key, target.upload_id, [CompletedPart(1, etag), CompletedPart(1, etag)]
        )
    assert await subject.storage.stat(key) is None


async def test_abort_discards_the_parts(subject: Subject) -> None:
    data = _random_bytes(5000, seed=5)
    key = "videos/0005/original.mp4"
    target = await subject.storage.create_upload(
        key,
        content_type="video/mp4",
        size_bytes=len(data),
        part_size=subject.part_size,
        expires_at=_expiry(),
    )
    assert target.upload_id is not None
    etag = (await subject.upload_parts(target, data))[1]

    await subject.storage.abort_upload(key, target.upload_id)
    await subject.storage.abort_upload(key, target.upload_id)  # idempotent

    assert await subject.storage.stat(key) is None
    if subject.s3 is not None:
        # moto answers a completion of an aborted upload with a 500 (real S3: NoSuchUpload), so
        # look at the bucket's open uploads instead.
        location = subject.s3
        open_uploads = location.client.list_multipart_uploads(
            Bucket=location.bucket, Prefix=location.prefix
        ).get("Uploads", [])
        assert target.upload_id not in [upload["UploadId"] for upload in open_uploads]
        return
    with pytest.raises(UploadRejected):
        await subject.storage.complete_upload(key, target.upload_id, [CompletedPart(1, etag)])
    with pytest.raises(UploadRejected):  # a late part of an aborted upload is refused
        await subject.put(target.parts[0].url, data)
    if subject.root is not None:
        assert not (subject.root / ".multipart" / target.upload_id).exists()


async def test_presign_read(subject: Subject) -> None:
    data = _random_bytes(10_000, seed=9)
    await subject.upload("videos/0006/original.mp4", data)

    url = await subject.storage.presign_read(
        "videos/0006/original.mp4", content_type="video/webm", expires_in_seconds=60
    )

    if subject.is_local:
        assert url is None
        return
    assert url is not None
    async with httpx.AsyncClient(timeout=10) as client:
        whole = await client.get(url)
        head = await client.get(url, headers={"Range": "bytes=0-3"})
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["Content-Type"] == "video/webm"
    assert head.status_code == 206
    assert head.content == data[:4]


async def test_delete_is_idempotent(subject: Subject) -> None:
    await subject.upload("videos/0007/original.mp4", b"bytes")

    await subject.storage.delete("videos/0007/original.mp4")
    assert await subject.storage.stat("videos/0007/original.mp4") is None
    await subject.storage.delete("videos/0007/original.mp4")
    await subject.storage.delete("videos/never/original.mp4")
    assert await subject.storage.stat("videos/0007/original.mp4") is None


async def test_the_probe_answers(subject: Subject) -> None:
    probe = StorageProbe(subject.storage)
    assert probe.name == "storage"
    await probe.check()


async def test_put_stores_bytes_and_replaces_the_object(subject: Subject) -> None:
    data = _random_bytes(70_001, seed=13)
    key = "videos/0008/source"
    assert await subject.storage.stat(key) is None

    await subject.storage.put(key, data, content_type="video/mp4")

    stored = await subject.storage.stat(key)
    assert stored is not None
    assert stored.size_bytes == len(data)
    assert await subject.read(key, 0, len(data) - 1) == data
    await subject.storage.put(key, b"shorter", content_type="video/mp4")
    assert await subject.storage.read_head(key, 100) == b"shorter"


async def test_copy_is_an_independent_object(subject: Subject) -> None:
    data = _random_bytes(80_000, seed=17)
    await subject.storage.put("seed/sample.mp4", data, content_type="video/mp4")

    await subject.storage.copy("seed/sample.mp4", "videos/a/source")
    await subject.storage.copy("seed/sample.mp4", "videos/b/source")

    for key in ("seed/sample.mp4", "videos/a/source", "videos/b/source"):
        stored = await subject.storage.stat(key)
        assert stored is not None, key
        assert stored.size_bytes == len(data)
        assert await subject.read(key, 0, len(data) - 1) == data, key
    # Changing or deleting either side leaves the other as it was.
    await subject.storage.put("seed/sample.mp4", b"replaced", content_type="video/mp4")
    await subject.upload("videos/b/source", b"uploaded over the copy")
    await subject.storage.delete("videos/a/source")
    assert await subject.storage.stat("videos/a/source") is None
    assert await subject.storage.read_head("seed/sample.mp4", 100) == b"replaced"
    assert await subject.storage.read_head("videos/b/source", 100) == b"uploaded over the copy"


async def test_copy_replaces_the_target(subject: Subject) -> None:
    await subject.storage.put("v/source", b"new bytes", content_type="video/mp4")
    await subject.storage.put("v/target", b"old bytes, longer", content_type="video/mp4")

    await subject.storage.copy("v/source", "v/target")
    await subject.storage.copy("v/source", "v/target")  # again: same result
    await subject.storage.copy("v/source", "v/source")  # onto itself: unchanged

    for key in ("v/source", "v/target"):
        stored = await subject.storage.stat(key)
        assert stored is not None
        assert stored.size_bytes == len(b"new bytes")
        assert await subject.storage.read_head(key, 100) == b"new bytes"


async def test_copy_of_a_missing_object_fails(subject: Subject) -> None:
    with pytest.raises(StorageError):
        await subject.storage.copy("videos/none/source", "videos/copy/source")
    assert await subject.storage.stat("videos/copy/source") is None


async def test_copy_many_copies_to_every_key(subject: Subject) -> None:
    data = _random_bytes(20_000, seed=5)
    await subject.storage.put("seed/sample.mp4", data, content_type="video/mp4")
    await subject.storage.put(
        "videos/old/source", b"replaced by the copy", content_type="video/mp4"
    )
    keys = [f"videos/{number}/source" for number in range(40)] + ["videos/old/source"]

    await subject.storage.copy_many("seed/sample.mp4", keys)
    await subject.storage.copy_many("seed/sample.mp4", [])  # nothing to do

    for key in keys:
        stored = await subject.storage.stat(key)
        assert stored is not None, key
        assert stored.size_bytes == len(data)
    assert await subject.read("videos/7/source", 0, len(data) - 1) == data
    assert await subject.read("videos/old/source", 0, len(data) - 1) == data
    await subject.storage.delete("seed/sample.mp4")  # the copies stay
    assert await subject.storage.read_head("videos/39/source", 4) == data[:4]


async def test_copy_many_of_a_missing_object_fails(subject: Subject) -> None:
    with pytest.raises(StorageError):
        await subject.storage.copy_many("videos/none/source", ["videos/a/source"])
    assert await subject.storage.stat("videos/a/source") is None


async def test_delete_many_deletes_and_ignores_missing_objects(subject: Subject) -> None:
    keys = [f"videos/{number}/source" for number in range(30)]
    for key in keys[:20]:
        await subject.storage.put(key, b"bytes", content_type="video/mp4")
    await subject.storage.put("videos/kept/source", b"kept", content_type="video/mp4")

    await subject.storage.delete_many(keys)  # ten of them never existed
    await subject.storage.delete_many(keys)  # again: nothing left to do
    await subject.storage.delete_many([])

    for key in keys:
        assert await subject.storage.stat(key) is None, key
    assert await subject.storage.read_head("videos/kept/source", 10) == b"kept"


async def _keys_under(subject: Subject, prefix: str) -> list[str]:
    """Every key under a prefix, looked up behind the adapter's back (for memory: its objects)."""
    if subject.kind == "memory":
        objects: dict[str, bytes] = subject.storage._objects  # type: ignore[union-attr]
        return sorted(key for key in objects if key.startswith(prefix))
    if subject.root is not None:
        return sorted(
            str(path.relative_to(subject.root))
            for path in _files_under(subject.root)
            if str(path.relative_to(subject.root)).startswith(prefix)
        )
    assert subject.s3 is not None
    listed = subject.s3.client.list_objects_v2(
        Bucket=subject.s3.bucket, Prefix=f"{subject.s3.prefix}/{prefix}"
    )
    return sorted(item["Key"].split("/", 1)[1] for item in listed.get("Contents", []))


async def test_delete_prefix_removes_every_object_under_it_and_nothing_else(
    subject: Subject,
) -> None:
    owned = ["videos/v1/source", "videos/v1/poster-a.jpg", "videos/v1/hls/360p_0000.m4s"]
    others = ["videos/v10/source", "videos/v1x", "videos/v2/hls/master.m3u8"]
    for key in owned + others:
        await subject.storage.put(key, b"bytes of " + key.encode(), content_type="video/mp4")

    await subject.storage.delete_prefix("videos/v1/")

    assert await _keys_under(subject, "videos/v1/") == []
    for key in others:
        assert await subject.storage.stat(key) is not None, key
    await subject.storage.delete_prefix("videos/v1/")  # again: nothing to do
    await subject.storage.delete_prefix("videos/never/")
    if subject.root is not None:  # no empty folders are left behind either
        assert not (subject.root / "videos" / "v1").exists()


async def test_delete_prefix_takes_folders_only(subject: Subject) -> None:
    with pytest.raises(StorageError):
        await subject.storage.delete_prefix("videos/v1")


async def test_store_file_then_local_file_round_trip(subject: Subject, tmp_path: Path) -> None:
    data = _random_bytes(300_000, seed=21)
    source = tmp_path / "stream.mp4"
    source.write_bytes(data)
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    await subject.storage.store_file("videos/v3/stream.mp4", source, content_type="video/mp4")
    local = await subject.storage.local_file("videos/v3/stream.mp4", scratch)

    stored = await subject.storage.stat("videos/v3/stream.mp4")
    assert stored is not None
    assert stored.size_bytes == len(data)
    assert local.read_bytes() == data
    if subject.root is not None:  # opened in place: no copy
        assert local == subject.root / "videos" / "v3" / "stream.mp4"
    else:
        assert local.parent == scratch
    source.write_bytes(b"changed later")  # the stored object is a copy
    assert await subject.read("videos/v3/stream.mp4", 0, 9) == data[:10]


async def test_local_file_of_a_missing_object_fails(subject: Subject, tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        await subject.storage.local_file("videos/none/source", tmp_path)


async def test_presign_reads_gives_one_working_url_per_object(subject: Subject) -> None:
    keys = ["videos/v4/hls/360p_0000.m4s", "videos/v4/hls/360p_0001.m4s"]
    for index, key in enumerate(keys):
        await subject.storage.put(key, b"segment %d" % index, content_type="video/iso.segment")

    urls = await subject.storage.presign_reads(keys, expires_in_seconds=60)

    if subject.is_local:
        assert urls is None
        return
    assert urls is not None
    assert len(urls) == len(keys)
    async with httpx.AsyncClient(timeout=10) as client:
        for index, url in enumerate(urls):
            response = await client.get(url)
            assert response.status_code == 200
            assert response.content == b"segment %d" % index
            assert response.headers["Content-Type"] == "video/iso.segment"


# Uploads through this API (memory and local files) -------------------------------------------


@pytest.fixture(params=["memory", "filesystem"])
def local(request: pytest.FixtureRequest, tmp_path: Path) -> Subject:
    grants = HmacUploadGrants(SECRET)
    if request.param == "memory":
        return Subject("memory", MemoryObjectStorage(grants, PUBLIC_URL), grants, LOCAL_PART)
    root = tmp_path / "media"
    return Subject(
        "filesystem", FileSystemObjectStorage(root, grants, PUBLIC_URL), grants, LOCAL_PART, root
    )


async def test_receive_accepts_exactly_the_limit(local: Subject) -> None:
    etag = await local.storage.receive("clips/a.mp4", _chunks(bytes(1000), 300), max_bytes=1000)
    assert etag == _quoted_md5(bytes(1000))
    stored = await local.storage.stat("clips/a.mp4")
    assert stored is not None
    assert stored.size_bytes == 1000


async def test_receive_past_the_limit_stores_nothing(local: Subject) -> None:
    target = await local.storage.create_upload(
        "clips/b.mp4",
        content_type="video/mp4",
        size_bytes=1000,
        part_size=None,
        expires_at=_expiry(),
    )
    assert target.url is not None
    with pytest.raises(UploadTooLarge):
        await local.put(target.url, bytes(1001))
    assert await local.storage.stat("clips/b.mp4") is None
    if local.root is not None:
        assert _files_under(local.root) == []


async def test_receive_stops_reading_at_the_limit(local: Subject) -> None:
    consumed = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal consumed
        while True:
            consumed += 1
            yield bytes(4096)

    with pytest.raises(UploadTooLarge):
        await local.storage.receive("clips/c.mp4", endless(), max_bytes=10 * 4096)
    assert consumed == 11
    assert await local.storage.stat("clips/c.mp4") is None


async def test_a_part_past_its_limit_stores_nothing(local: Subject) -> None:
    target = await local.storage.create_upload(
        "clips/d.mp4",
        content_type="video/mp4",
        size_bytes=1500,
        part_size=1000,
        expires_at=_expiry(),
    )
    assert target.upload_id is not None
    with pytest.raises(UploadTooLarge):
        await local.put(target.parts[1].url, bytes(501))  # the last part may hold only 500
    with pytest.raises(UploadRejected):
        await local.storage.complete_upload(
            "clips/d.mp4", target.upload_id, [CompletedPart(2, _quoted_md5(bytes(501)))]
        )
    if local.root is not None:
        upload_dir = local.root / ".multipart" / target.upload_id
        assert [path.name for path in _files_under(upload_dir)] == ["key"]


async def test_a_part_of_an_unknown_upload_is_refused(local: Subject) -> None:
    with pytest.raises(UploadRejected):
        await local.storage.receive(
            "clips/e.mp4", _chunks(b"x"), max_bytes=10, part_number=1, upload_id=uuid.uuid4().hex
        )
    with pytest.raises(UploadRejected):
        await local.storage.complete_upload(
            "clips/e.mp4", uuid.uuid4().hex, [CompletedPart(1, _quoted_md5(b"x"))]
        )
    target = await local.storage.create_upload(
        "clips/e.mp4", content_type="video/mp4", size_bytes=10, part_size=10, expires_at=_expiry()
    )
    assert target.upload_id is not None
    with pytest.raises(UploadRejected):  # the upload belongs to another key
        await local.storage.receive(
            "clips/other.mp4",
            _chunks(b"x"),
            max_bytes=10,
            part_number=1,
            upload_id=target.upload_id,
        )


async def test_s3_does_not_receive_uploads(moto_storage: S3ObjectStorage) -> None:
    with pytest.raises(StorageError):
        await moto_storage.receive("clips/a.mp4", _chunks(b"data"), max_bytes=10)


# Local files ----------------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> FileSystemObjectStorage:
    return FileSystemObjectStorage(tmp_path / "media", HmacUploadGrants(SECRET), PUBLIC_URL)


@pytest.mark.parametrize(
    "key",
    [
        "../escape.mp4",
        "a/../../escape.mp4",
        "/etc/passwd",
        "a//b",
        "a\\b",
        "",
        "a/",
        ".multipart/x",
        "a/./b",
        "a/.hidden",
    ],
)
async def test_files_refuse_keys_outside_the_root(
    files: FileSystemObjectStorage, tmp_path: Path, key: str
) -> None:
    with pytest.raises(StorageError):
        await files.receive(key, _chunks(b"data"), max_bytes=10)
    with pytest.raises(StorageError):
        await files.create_upload(
            key, content_type="video/mp4", size_bytes=4, part_size=None, expires_at=_expiry()
        )
    with pytest.raises(StorageError):
        await files.stat(key)
    with pytest.raises(StorageError):
        await files.delete(key)
    assert _names_in(tmp_path) == ["media"]
    assert _files_under(tmp_path) == []


async def test_files_leave_no_temporary_files(files: FileSystemObjectStorage) -> None:
    await files.receive("v/1.mp4", _chunks(bytes(3000)), max_bytes=3000)
    with pytest.raises(UploadTooLarge):
        await files.receive("v/2.mp4", _chunks(bytes(3000)), max_bytes=2999)

    async def broken() -> AsyncIterator[bytes]:
        yield b"some bytes"
        raise RuntimeError("the client went away")

    with pytest.raises(RuntimeError):
        await files.receive("v/3.mp4", broken(), max_bytes=3000)
    target = await files.create_upload(
        "v/4.mp4", content_type="video/mp4", size_bytes=1500, part_size=1000, expires_at=_expiry()
    )
    assert target.upload_id is not None
    first = await files.receive(
        "v/4.mp4", _chunks(bytes(1000)), max_bytes=1000, part_number=1, upload_id=target.upload_id
    )
    second = await files.receive(
        "v/4.mp4", _chunks(bytes(500)), max_bytes=500, part_number=2, upload_id=target.upload_id
    )
    await files.complete_upload(
        "v/4.mp4", target.upload_id, [CompletedPart(1, first), CompletedPart(2, second)]
    )

    assert [path.relative_to(files.root).as_posix() for path in _files_under(files.root)] == [
        "v/1.mp4",
        "v/4.mp4",
    ]


async def test_files_prune_empty_directories_on_delete(files: FileSystemObjectStorage) -> None:
    await files.receive("videos/x/original.mp4", _chunks(b"abc"), max_bytes=3)
    await files.receive("videos/y/original.mp4", _chunks(b"abc"), max_bytes=3)

    await files.delete("videos/x/original.mp4")

    assert not (files.root / "videos" / "x").exists()
    assert (files.root / "videos" / "y" / "original.mp4").is_file()
    assert files.root.is_dir()


async def test_files_stat_etag_follows_the_content(files: FileSystemObjectStorage) -> None:
    await files.receive("v/a.mp4", _chunks(b"abc"), max_bytes=3)
    first = await files.stat("v/a.mp4")
    assert first == await files.stat("v/a.mp4")
    await files.receive("v/a.mp4", _chunks(b"abcd"), max_bytes=4)
    second = await files.stat("v/a.mp4")
    assert first is not None
    assert second is not None
    assert second.etag != first.etag


async def test_files_probe_fails_without_a_writable_root(files: FileSystemObjectStorage) -> None:
    files.root.rmdir()
    with pytest.raises(DependencyUnavailable):
        await StorageProbe(files).check()


async def test_files_copy_is_a_hard_link(files: FileSystemObjectStorage) -> None:
    await files.put("seed/sample.mp4", b"sample bytes", content_type="video/mp4")

    await files.copy("seed/sample.mp4", "videos/1/source")
    await files.copy("seed/sample.mp4", "videos/1/source")  # already the same file

    source, copy = files.root / "seed" / "sample.mp4", files.root / "videos" / "1" / "source"
    assert copy.stat().st_ino == source.stat().st_ino
    assert source.stat().st_nlink == 2
    assert [path.relative_to(files.root).as_posix() for path in _files_under(files.root)] == [
        "seed/sample.mp4",
        "videos/1/source",
    ]


async def test_files_copy_falls_back_to_a_file_copy(
    files: FileSystemObjectStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    await files.put("seed/sample.mp4", b"sample bytes", content_type="video/mp4")
    monkeypatch.setattr(os, "link", refuse)

    await files.copy("seed/sample.mp4", "videos/1/source")

    source, copy = files.root / "seed" / "sample.mp4", files.root / "videos" / "1" / "source"
    assert copy.read_bytes() == b"sample bytes"
    assert copy.stat().st_ino != source.stat().st_ino
    assert [path.relative_to(files.root).as_posix() for path in _files_under(files.root)] == [
        "seed/sample.mp4",
        "videos/1/source",
    ]


async def test_files_copy_many_makes_hard_links(files: FileSystemObjectStorage) -> None:
    await files.put("seed/sample.mp4", b"sample bytes", content_type="video/mp4")

    await files.copy_many("seed/sample.mp4", ["videos/1/source", "videos/2/source", "top"])

    source = files.root / "seed" / "sample.mp4"
    assert source.stat().st_nlink == 4
    assert (files.root / "videos" / "2" / "source").stat().st_ino == source.stat().st_ino
    await files.delete_many(["videos/1/source", "videos/2/source", "top"])
    assert [path.relative_to(files.root).as_posix() for path in _files_under(files.root)] == [
        "seed/sample.mp4"
    ]
    assert not (files.root / "videos").exists()  # empty directories are pruned


async def test_files_copy_many_goes_on_past_the_link_limit(
    files: FileSystemObjectStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file has a limited number of hard links (65,000 on ext4): past it, a fresh copy becomes
    the file the next keys link to."""
    real_link = os.link

    def limited(source: str | Path, target: str | Path, **kwargs: object) -> None:
        if os.stat(source).st_nlink >= 3:
            raise OSError(errno.EMLINK, "Too many links")
        real_link(source, target)

    await files.put("seed/sample.mp4", b"sample bytes", content_type="video/mp4")
    monkeypatch.setattr(os, "link", limited)
    keys = [f"videos/{number}/source" for number in range(7)]

    await files.copy_many("seed/sample.mp4", keys)

    inodes = [(files.root / key).stat().st_ino for key in keys]
    assert all((files.root / key).read_bytes() == b"sample bytes" for key in keys)
    # Two links of the sample, then a copy and two links of it, then a copy and one link of it.
    assert inodes[:2] == [inodes[0]] * 2
    assert inodes[2:5] == [inodes[2]] * 3
    assert inodes[5:] == [inodes[5]] * 2
    assert len(set(inodes)) == 3
    assert max((files.root / key).stat().st_nlink for key in keys) <= 3


async def test_files_copy_many_refuses_keys_outside_the_root(
    files: FileSystemObjectStorage, tmp_path: Path
) -> None:
    await files.put("ok/source", b"data", content_type="video/mp4")
    with pytest.raises(StorageError):
        await files.copy_many("ok/source", ["fine/key", "../escape"])
    with pytest.raises(StorageError):
        await files.delete_many(["ok/source", "/etc/passwd"])
    assert _files_under(tmp_path) == [files.root / "ok" / "source"]  # all checked first


@pytest.mark.parametrize("key", ["../escape.mp4", "/etc/passwd", "a//b", "", ".multipart/x"])
async def test_files_put_and_copy_refuse_keys_outside_the_root(
    files: FileSystemObjectStorage, tmp_path: Path, key: str
) -> None:
    await files.put("ok/source", b"data", content_type="video/mp4")
    with pytest.raises(StorageError):
        await files.put(key, b"data", content_type="video/mp4")
    with pytest.raises(StorageError):
        await files.copy("ok/source", key)
    with pytest.raises(StorageError):
        await files.copy(key, "ok/copy")
    assert _files_under(tmp_path) == [files.root / "ok" / "source"]


# S3 -------------------------------------------------------------------------------------------


async def test_s3_keys_live_under_the_prefix(
    moto_storage: S3ObjectStorage, moto_location: S3Location
) -> None:
    await Subject("s3", moto_storage, HmacUploadGrants(SECRET), S3_MIN_PART).upload(
        "videos/1/original.mp4", b"data"
    )
    listed = moto_location.client.list_objects_v2(Bucket=moto_location.bucket)
    keys = [item["Key"] for item in listed.get("Contents", [])]
    assert keys == [f"{moto_location.prefix}/videos/1/original.mp4"]


async def test_s3_a_retried_completion_of_an_assembled_upload_succeeds(
    aws_environment: None,
) -> None:
    """S3 forgets a multipart upload once it assembled the object: a client whose first
    `complete` lost its answer retries and gets NoSuchUpload. That is success when the object is
    there, and a refusal when it is not. (moto answers an unknown upload id with a 500, unlike S3
    and MinIO, so S3's answers are stubbed here.)"""
    storage = S3ObjectStorage("bucket", region_name=REGION)
    part = CompletedPart(part_number=1, etag="0123456789abcdef0123456789abcdef")
    try:
        with Stubber(storage._client) as stubber:
            stubber.add_client_error(
                "complete_multipart_upload", service_error_code="NoSuchUpload", http_status_code=404
            )
            stubber.add_response("head_object", {"ContentLength": 9, "ETag": '"abc"'})
            await storage.complete_upload("videos/done/original.mp4", "upload-1", [part])

            stubber.add_client_error(
                "complete_multipart_upload", service_error_code="NoSuchUpload", http_status_code=404
            )
            stubber.add_client_error("head_object", service_error_code="404", http_status_code=404)
            with pytest.raises(UploadRejected):
                await storage.complete_upload("videos/none/original.mp4", "upload-2", [part])
            stubber.assert_no_pending_responses()
    finally:
        await storage.close()


async def test_s3_delete_many_batches_and_reports_what_it_could_not_delete(
    aws_environment: None,
) -> None:
    storage = S3ObjectStorage("bucket", "media", region_name=REGION)
    keys = [f"videos/{number}/source" for number in range(1001)]
    try:
        with Stubber(storage._client) as stubber:
            stubber.add_response(
                "delete_objects",
                {},
                {
                    "Bucket": "bucket",
                    "Delete": {
                        "Objects": [{"Key": f"media/{key}"} for key in keys[:1000]],
                        "Quiet": True,
                    },
                },
            )
            stubber.add_response(
                "delete_objects",
                {"Errors": [{"Key": "media/videos/1000/source", "Code": "AccessDenied"}]},
            )
            with pytest.raises(StorageError, match="AccessDenied"):
                await storage.delete_many(keys)  # 1,000 keys a request at most
            stubber.assert_no_pending_responses()
    finally:
        await storage.close()


async def test_s3_upload_urls_carry_the_public_endpoint(
    moto_location: S3Location, aws_environment: None
) -> None:
    public = "http://media.clipstream.test:9000"
    storage = S3ObjectStorage(
        moto_location.bucket,
        endpoint_url=moto_location.endpoint_url,
        public_endpoint_url=public,
        region_name=REGION,
    )
    try:
        single = await storage.create_upload(
            "v/a.mp4", content_type="video/mp4", size_bytes=10, part_size=None, expires_at=_expiry()
        )
        multi = await storage.create_upload(
            "v/b.mp4",
            content_type="video/mp4",
            size_bytes=S3_MIN_PART + 1,
            part_size=S3_MIN_PART,
            expires_at=_expiry(),
        )
        read = await storage.presign_read(
            "v/a.mp4", content_type="video/mp4", expires_in_seconds=60
        )
        assert multi.upload_id is not None
        await storage.abort_upload("v/b.mp4", multi.upload_id)  # through the private endpoint
    finally:
        await storage.close()
    assert single.url is not None
    assert read is not None
    urls = [single.url, read, *(part.url for part in multi.parts)]
    assert len(urls) == 4
    assert all(url.startswith(f"{public}/{moto_location.bucket}/v/") for url in urls)


async def test_s3_endpoint_down_is_a_dependency_outage(aws_environment: None) -> None:
    storage = S3ObjectStorage(
        "clipstream-down", endpoint_url=f"http://127.0.0.1:{_free_port()}", region_name=REGION
    )
    try:
        # Presigning needs no network: the URL comes even while the store is down.
        target = await storage.create_upload(
            "v/a.mp4", content_type="video/mp4", size_bytes=10, part_size=None, expires_at=_expiry()
        )
        assert target.url is not None
        calls = [
            storage.stat("v/a.mp4"),
            storage.read_head("v/a.mp4", 10),
            storage.delete("v/a.mp4"),
            storage.complete_upload("v/a.mp4", "id", [CompletedPart(1, '"etag"')]),
            storage.create_upload(
                "v/a.mp4",
                content_type="video/mp4",
                size_bytes=10,
                part_size=5,
                expires_at=_expiry(),
            ),
            StorageProbe(storage).check(),
        ]
        results = await asyncio.gather(*calls, return_exceptions=True)
    finally:
        await storage.close()
    for result in results:
        assert isinstance(result, DependencyUnavailable), repr(result)
        assert result.dependency == "storage"


class _Unavailable(BaseHTTPRequestHandler):
    """An S3 endpoint that is up but failing: 503 SlowDown to every request."""

    def _answer(self) -> None:
        body = b"<Error><Code>ServiceUnavailable</Code><Message>down</Message></Error>"
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@pytest.fixture
def failing_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_s3_5xx_is_a_dependency_outage(failing_endpoint: str, aws_environment: None) -> None:
    storage = S3ObjectStorage(
        "clipstream-failing", endpoint_url=failing_endpoint, region_name=REGION
    )
    try:
        results = await asyncio.gather(
            storage.stat("v/a.mp4"),
            storage.read_head("v/a.mp4", 10),
            storage.delete("v/a.mp4"),
            storage.complete_upload("v/a.mp4", "id", [CompletedPart(1, '"etag"')]),
            return_exceptions=True,
        )
    finally:
        await storage.close()
    for result in results:
        assert isinstance(result, DependencyUnavailable), repr(result)


async def test_s3_put_and_copy_keep_the_content_type_under_the_prefix(
    moto_storage: S3ObjectStorage, moto_location: S3Location
) -> None:
    await moto_storage.put("seed/sample.mp4", b"sample", content_type="video/webm")
    await moto_storage.copy("seed/sample.mp4", "videos/1/source")

    client, bucket, prefix = moto_location.client, moto_location.bucket, moto_location.prefix
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert sorted(item["Key"] for item in listed) == [
        f"{prefix}/seed/sample.mp4",
        f"{prefix}/videos/1/source",
    ]
    head = client.head_object(Bucket=bucket, Key=f"{prefix}/videos/1/source")
    assert head["ContentType"] == "video/webm"
    assert head["ContentLength"] == len(b"sample")


async def test_s3_put_and_copy_translate_outages(aws_environment: None) -> None:
    storage = S3ObjectStorage(
        "clipstream-down", endpoint_url=f"http://127.0.0.1:{_free_port()}", region_name=REGION
    )
    try:
        results = await asyncio.gather(
            storage.put("v/a.mp4", b"data", content_type="video/mp4"),
            storage.copy("v/a.mp4", "v/b.mp4"),
            return_exceptions=True,
        )
    finally:
        await storage.close()
    for result in results:
        assert isinstance(result, DependencyUnavailable), repr(result)


async def test_s3_missing_bucket_is_a_storage_error(
    moto_endpoint: str, aws_environment: None
) -> None:
    storage = S3ObjectStorage(
        "clipstream-no-such-bucket", endpoint_url=moto_endpoint, region_name=REGION
    )
    try:
        with pytest.raises(StorageError):
            await StorageProbe(storage).check()
        with pytest.raises(StorageError):
            await storage.read_head("v/a.mp4", 10)
    finally:
        await storage.close()


# Upload grants --------------------------------------------------------------------------------

T0 = datetime(2026, 11, 22, 8, 0, 0, 123456, tzinfo=UTC)


def test_grants_round_trip(grants: HmacUploadGrants) -> None:
    single = UploadGrant(key="videos/1/original.mp4", max_bytes=1234, expires_at=T0)
    part = UploadGrant("videos/1/original.mp4", 5 << 20, T0, part_number=3, upload_id="abc")
    now = T0 - timedelta(minutes=5)
    whole_second = T0.replace(microsecond=0)  # the expiry travels as integer epoch seconds

    assert grants.verify(grants.sign(single), now) == UploadGrant(
        "videos/1/original.mp4", 1234, whole_second
    )
    assert grants.verify(grants.sign(part), now) == UploadGrant(
        "videos/1/original.mp4", 5 << 20, whole_second, 3, "abc"
    )


def test_grant_tokens_are_url_safe_and_compact(grants: HmacUploadGrants) -> None:
    token = grants.sign(UploadGrant(key="vidéos/ü.mp4", max_bytes=1, expires_at=T0))
    payload, tag = token.split(".")
    assert all(
        part
        and set(part) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for part in (payload, tag)
    )
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b" " not in raw
    assert json.loads(raw)["expires_at"] == int(T0.timestamp())
    assert len(base64.urlsafe_b64decode(tag + "=" * (-len(tag) % 4))) == 16
    # The key is derived for upload grants: the bare secret does not make the tag.
    naive = hmac.new(SECRET, payload.encode(), hashlib.sha256).digest()[:16]
    assert base64.urlsafe_b64encode(naive).rstrip(b"=").decode() != tag


def test_expired_grants_are_refused(grants: HmacUploadGrants) -> None:
    token = grants.sign(UploadGrant("k", 1, T0.replace(microsecond=0)))
    grants.verify(token, T0.replace(microsecond=0) - timedelta(microseconds=1))
    with pytest.raises(InvalidToken):
        grants.verify(token, T0.replace(microsecond=0))
    with pytest.raises(InvalidToken):
        grants.verify(token, T0 + timedelta(days=1))


def test_tampered_grants_are_refused(grants: HmacUploadGrants) -> None:
    token = grants.sign(UploadGrant("videos/1/original.mp4", 1000, T0))
    payload, tag = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["max_bytes"] = 10**12
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    flipped_tag = tag[:-1] + ("A" if tag[-1] != "A" else "B")
    flipped_payload = ("A" if payload[0] != "A" else "B") + payload[1:]
    now = T0 - timedelta(minutes=1)

    for bad in (f"{forged}.{tag}", f"{payload}.{flipped_tag}", f"{flipped_payload}.{tag}"):
        with pytest.raises(InvalidToken):
            grants.verify(bad, now)
    with pytest.raises(InvalidToken):  # signed with another secret
        HmacUploadGrants(b"another secret of enough length!!").verify(token, now)


@pytest.mark.parametrize(
    "token", ["", "abc", "a.b.c", ".", "abc.", ".abc", "é.é", "a b.c", "a+b.c/d", "x" * 5000 + ".y"]
)
def test_malformed_grants_are_refused(grants: HmacUploadGrants, token: str) -> None:
    with pytest.raises(InvalidToken):
        grants.verify(token, T0)


# The factory ----------------------------------------------------------------------------------


def test_factory_builds_file_storage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grants = HmacUploadGrants(SECRET)

    def build(url: str) -> FileSystemObjectStorage | S3ObjectStorage:
        return build_storage(
            url,
            grants=grants,
            public_url=PUBLIC_URL,
            s3_endpoint_url=None,
            s3_public_endpoint_url=None,
        )

    from_url = build(f"file://{tmp_path}/by%20url")
    absolute = build(str(tmp_path / "absolute"))
    monkeypatch.chdir(tmp_path)
    relative = build("var/media")

    assert isinstance(from_url, FileSystemObjectStorage)
    assert from_url.root == tmp_path / "by url"
    assert isinstance(absolute, FileSystemObjectStorage)
    assert absolute.root == tmp_path / "absolute"
    assert isinstance(relative, FileSystemObjectStorage)
    assert relative.root == tmp_path / "var" / "media"
    assert all(path.is_dir() for path in (from_url.root, absolute.root, relative.root))


async def test_factory_builds_s3_storage(aws_environment: None) -> None:
    storage = build_storage(
        "s3://clipstream-media/some/prefix/",
        grants=HmacUploadGrants(SECRET),
        public_url=PUBLIC_URL,
        s3_endpoint_url="http://minio:9000",
        s3_public_endpoint_url="http://localhost:9000",
    )
    assert isinstance(storage, S3ObjectStorage)
    try:
        assert (storage.bucket, storage.prefix) == ("clipstream-media", "some/prefix")
        target = await storage.create_upload(
            "v.mp4", content_type="video/mp4", size_bytes=1, part_size=None, expires_at=_expiry()
        )
    finally:
        await storage.close()
    assert target.url is not None
    assert target.url.startswith("http://localhost:9000/clipstream-media/some/prefix/v.mp4?")


@pytest.mark.parametrize(
    "url", ["", "ftp://host/path", "s3://", "s3:///prefix", "file://host/path", "file:relative"]
)
def test_factory_refuses_other_urls(url: str) -> None:
    with pytest.raises(ValueError, match=r"\S"):
        build_storage(
            url,
            grants=HmacUploadGrants(SECRET),
            public_url=PUBLIC_URL,
            s3_endpoint_url=None,
            s3_public_endpoint_url=None,
        )
