"""The video lifecycle on the real server process, over real HTTP, for local files and for S3.

Local: SQLite + files under a temporary directory (the embedded default). S3: PostgreSQL + moto's
S3 server (a real HTTP endpoint); the client code is the same for both, as API.md promises.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import httpx
import pytest
from botocore.config import Config

from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import running_server
from tests.support.clips import padded_clip, tiny_clip

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
MIB = 1024 * 1024
UPLOAD_TTL_SECONDS = 6


def mp4(size: int, seed: int = 0) -> bytes:
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    body = bytes((i * 7 + seed) % 251 for i in range(max(0, size - len(head))))
    return (head + body)[:size]


@dataclass
class Deployment:
    """A running server and a way to look at its storage directly."""

    base: str
    backend: str
    object_exists: Callable[[str], bool]


def _local(tmp_path: Path) -> tuple[dict[str, str], Callable[[str], bool]]:
    media = tmp_path / "media"
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(media),
    }

    def exists(video_id: str) -> bool:  # any object of the video
        folder = media / "videos" / video_id
        return folder.exists() and any(path.is_file() for path in folder.rglob("*"))

    return env, exists


def _s3(
    tmp_path: Path, moto_endpoint: str, postgres_databases: PostgresDatabases
) -> tuple[dict[str, str], Callable[[str], bool]]:
    bucket = f"clipstream-{tmp_path.name.lower().replace('_', '-')[-30:]}"
    client = boto3.client(
        "s3", endpoint_url=moto_endpoint, config=Config(s3={"addressing_style": "path"})
    )
    client.create_bucket(Bucket=bucket)
    env = {
        "CLIPSTREAM_DATABASE_URL": postgres_databases.create(migrated=True),
        "CLIPSTREAM_STORAGE_URL": f"s3://{bucket}/media",
        "CLIPSTREAM_S3_ENDPOINT_URL": moto_endpoint,
    }

    def exists(video_id: str) -> bool:
        listing = client.list_objects_v2(Bucket=bucket, Prefix=f"media/videos/{video_id}/")
        return bool(listing.get("KeyCount"))

    return env, exists


def _deploy(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    if backend == "local":
        env, exists = _local(tmp_path)
    else:
        env, exists = _s3(
            tmp_path,
            request.getfixturevalue("moto_endpoint"),
            request.getfixturevalue("postgres_databases"),
        )
    env |= {
        "CLIPSTREAM_MULTIPART_THRESHOLD_BYTES": str(5 * MIB),
        "CLIPSTREAM_UPLOAD_TTL_SECONDS": str(UPLOAD_TTL_SECONDS),
        "CLIPSTREAM_WORKER_INTERVAL_SECONDS": "1",
        "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0",
    }
    with running_server(env, tmp_path / "server.log") as base:
        yield Deployment(base, backend, exists)


@pytest.fixture(params=["local", "s3"])
def deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    yield from _deploy(request.param, request, tmp_path)


@pytest.fixture
def local_deployment(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    """Local storage only: its upload URLs are this API's, signed with expiring tokens."""
    yield from _deploy("local", request, tmp_path)


class Client:
    """A client app: API calls with a token, and uploads to whatever URLs the API hands out."""

    def __init__(self, base: str, username: str) -> None:
        self.http = httpx.Client(base_url=f"{base}/api/v1", timeout=30)
        body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        registered = self.http.post("/auth/register", json=body)
        assert registered.status_code == 201, registered.text
        self.auth = {"Authorization": f"Bearer {registered.json()['accessToken']}"}

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.request(
            method, path, headers={**self.auth, **kwargs.pop("headers", {})}, **kwargs
        )

    def create(self, size: int, **fields: Any) -> dict[str, Any]:
        response = self.call(
            "POST", "/videos", json={"contentType": "video/mp4", "sizeBytes": size, **fields}
        )
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    def upload(self, created: dict[str, Any], data: bytes) -> list[dict[str, Any]] | None:
        target = created["upload"]
        if target["partSize"] is None:
            response = httpx.put(target["url"], content=data, headers=target["headers"], timeout=30)
            assert response.status_code == 200, response.text
            return None
        parts = []
        for part in target["parts"]:
            number, size = part["partNumber"], target["partSize"]
            response = httpx.put(
                part["url"], content=data[(number - 1) * size : number * size], timeout=30
            )
            assert response.status_code == 200, response.text
            parts.append({"partNumber": number, "etag": response.headers["etag"]})
        return parts

    def complete(self, video_id: str, parts: list[dict[str, Any]] | None = None) -> httpx.Response:
        return self.call(
            "POST", f"/videos/{video_id}/complete", json={"parts": parts} if parts else {}
        )

    def publish(self, data: bytes, **fields: Any) -> dict[str, Any]:
        created = self.create(len(data), **fields)
        parts = self.upload(created, data)
        done = self.complete(created["video"]["id"], parts)
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "processing", done.text
        return self.processed(created["video"]["id"])

    def processed(self, video_id: str) -> dict[str, Any]:
        """The video once the server's worker has processed it (`ready`, else failed)."""
        deadline = time.monotonic() + 60
        while (video := self.call("GET", f"/videos/{video_id}").json())["status"] == "processing":
            assert time.monotonic() < deadline, "not processed within 60 s"
            time.sleep(0.1)
        assert video["status"] == "ready", video
        return video  # type: ignore[no-any-return]

    def play(
        self, video_id: str, headers: dict[str, str] | None = None, *, auth: bool = True
    ) -> httpx.Response:
        """GET the stream, following a redirect to storage like a browser does."""
        request_headers = {**(self.auth if auth else {}), **(headers or {})}
        response = self.http.get(f"/videos/{video_id}/stream", headers=request_headers)
        if response.status_code == 302:
            location = response.headers["location"]
            assert urlsplit(location).netloc != urlsplit(str(self.http.base_url)).netloc
            response = httpx.get(location, headers=headers or {}, timeout=30)
        return response


def test_single_upload_plays_back_with_ranges(deployment: Deployment) -> None:
    ana = Client(deployment.base, "ana")
    video = ana.publish(tiny_clip(), caption="hello #world")
    played = ana.play(video["id"])  # the processed MP4
    assert played.status_code == 200
    assert played.content[4:8] == b"ftyp"
    assert played.content.find(b"moov") < played.content.find(b"mdat"), "faststart"
    sliced = ana.play(video["id"], {"Range": "bytes=100-199"})
    assert sliced.status_code == 206
    assert sliced.content == played.content[100:200]
    assert deployment.object_exists(video["id"])
    if deployment.backend == "local":
        assert played.headers["x-content-type-options"] == "nosniff"
        assert played.headers["accept-ranges"] == "bytes"


def test_multipart_upload_plays_back(deployment: Deployment) -> None:
    ana = Client(deployment.base, "ana")
    data = padded_clip(11 * MIB + 17)
    created = ana.create(len(data))
    assert created["upload"]["partSize"] == 5 * MIB
    assert len(created["upload"]["parts"]) == 3
    parts = ana.upload(created, data)
    done = ana.complete(created["video"]["id"], parts)
    assert done.json()["status"] == "processing", done.text
    ana.processed(created["video"]["id"])
    played = ana.play(created["video"]["id"]).content
    assert played[4:8] == b"ftyp"
    tail = ana.play(created["video"]["id"], {"Range": "bytes=-5"})
    assert tail.content == played[-5:]


@pytest.mark.parametrize(
    ("declared", "sent", "reason"),
    [
        (100_000, mp4(90_000), "bytes"),
        (50_000, b"not a video at all".ljust(50_000, b"!"), "not a video/mp4"),
    ],
)
def test_a_wrong_file_ends_failed_with_nothing_left(
    deployment: Deployment, declared: int, sent: bytes, reason: str
) -> None:
    ana = Client(deployment.base, "ana")
    created = ana.create(declared)
    target = created["upload"]
    if deployment.backend == "local" and len(sent) > declared:
        pytest.fail("the local upload URL would refuse a larger body")
    response = httpx.put(target["url"], content=sent, headers=target["headers"], timeout=30)
    assert response.status_code == 200, response.text
    failed = ana.complete(created["video"]["id"]).json()
    assert failed["status"] == "failed"
    assert reason in failed["failureReason"]
    assert not deployment.object_exists(created["video"]["id"])


def test_visibility_and_owner_only_edit_and_delete(deployment: Deployment) -> None:
    ana, bob = Client(deployment.base, "ana"), Client(deployment.base, "bob")
    private = ana.publish(tiny_clip(), visibility="private")
    assert bob.call("GET", f"/videos/{private['id']}").status_code == 404
    assert bob.play(private["id"]).status_code == 404
    assert ana.play(private["id"]).status_code == 200
    public = ana.publish(tiny_clip(), caption="shared")
    assert bob.call("PATCH", f"/videos/{public['id']}", json={"caption": "mine"}).status_code == 403
    assert bob.call("DELETE", f"/videos/{public['id']}").status_code == 403
    assert ana.call("PATCH", f"/videos/{public['id']}", json={"caption": "ours #tag"}).json()[
        "hashtags"
    ] == ["tag"]
    assert ana.call("DELETE", f"/videos/{public['id']}").status_code == 204
    assert not deployment.object_exists(public["id"])
    assert bob.call("GET", f"/videos/{public['id']}").status_code == 404


def test_abandoned_uploads_expire_and_are_removed(deployment: Deployment) -> None:
    ana = Client(deployment.base, "ana")
    data = mp4(6 * MIB)
    created = ana.create(len(data))
    ana.upload(created, data)  # every part uploaded, never completed
    video_id = created["video"]["id"]
    deadline = time.monotonic() + UPLOAD_TTL_SECONDS + 15
    while ana.call("GET", f"/videos/{video_id}").json()["status"] != "failed":
        assert time.monotonic() < deadline, "the upload never expired"
        time.sleep(0.5)
    assert not deployment.object_exists(video_id)
    assert ana.complete(video_id, [{"partNumber": 1, "etag": "x"}]).status_code == 409
    if deployment.backend == "local":  # the signed URL has expired by now too
        part = created["upload"]["parts"][0]
        assert httpx.put(part["url"], content=b"late", timeout=30).status_code == 403


def test_local_upload_urls_are_signed_and_bounded(local_deployment: Deployment) -> None:
    deployment = local_deployment
    ana = Client(deployment.base, "ana")
    data = mp4(20_000)
    created = ana.create(len(data))
    url = created["upload"]["url"]
    too_big = httpx.put(url, content=data + b"more", timeout=30)
    assert too_big.status_code == 413
    assert too_big.headers["content-type"].startswith("application/problem+json")
    assert not deployment.object_exists(created["video"]["id"])
    token = url.rsplit("/", 1)[1]
    forged = url[: -len(token)] + token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert httpx.put(forged, content=data, timeout=30).status_code == 403
    assert httpx.put(url, content=data, timeout=30).status_code == 200
