"""A dependency that is down gives 503 problem details, never a 500 or a hang, and leaves nothing half-done."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from litestar.testing import AsyncTestClient

from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.storage.s3 import CALL_DEADLINE_SECONDS
from entrypoints.composition import build_container
from entrypoints.config import Settings
from entrypoints.http.app import create_app
from tests.integration.servers import free_port, running_server
from tests.support.clips import tiny_clip

API = "/api/v1"
MIB = 1024 * 1024
SECRET = b"outage-test-secret-0123456789-0123456789"


def _assert_unavailable(response: Any, dependency: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"]
    assert dependency in response.json()["detail"]


@pytest.fixture
async def no_database(tmp_path: Path) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    settings = Settings(
        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing",
        storage_url=str(tmp_path / "media"),
        jwt_secret=SECRET,
        bcrypt_rounds=4,
        rate_limit_per_minute=0,
    )
    async with AsyncTestClient(app=create_app(build_container(settings))) as client:
        yield client


async def test_database_down_is_503_everywhere(no_database: AsyncTestClient) -> None:  # type: ignore[type-arg]
    body = {"username": "ana", "email": "ana@example.com", "password": "correct horse battery"}
    _assert_unavailable(await no_database.post(f"{API}/auth/register", json=body), "database")
    _assert_unavailable(await no_database.get(f"{API}/videos"), "database")
    ready = await no_database.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["database"]
    assert (await no_database.get("/health/live")).status_code == 200


async def test_storage_down_is_503_and_leaves_no_video(
    tmp_path: Path, aws_environment: None
) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/db.sqlite",
        storage_url="s3://bucket/media",
        s3_endpoint_url=f"http://127.0.0.1:{free_port()}",
        jwt_secret=SECRET,
        bcrypt_rounds=4,
        rate_limit_per_minute=0,
        multipart_threshold_bytes=5 * MIB,
    )
    upgrade_to_head(settings.database_url)
    async with AsyncTestClient(app=create_app(build_container(settings))) as client:
        body = {"username": "ana", "email": "ana@example.com", "password": "correct horse battery"}
        tokens = (await client.post(f"{API}/auth/register", json=body)).json()
        auth = {"Authorization": f"Bearer {tokens['accessToken']}"}
        multipart = {"contentType": "video/mp4", "sizeBytes": 20 * MIB}
        _assert_unavailable(
            await client.post(f"{API}/videos", json=multipart, headers=auth), "storage"
        )
        mine = await client.get(f"{API}/users/{tokens['user']['id']}/videos", headers=auth)
        assert mine.json()["items"] == []  # nothing half-created
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["storage"]


class _SwitchableProxy:
    """A TCP proxy to an S3 endpoint that can stop answering, like a store that hangs.

    Silenced, it drops the connections it relays (the client's pooled connections break) and
    accepts new ones that it never answers; resumed, it drops those and relays again.
    """

    def __init__(self, target: str) -> None:
        self._target = ("127.0.0.1", int(target.rsplit(":", 1)[1]))
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._silent = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def silence(self) -> None:
        self._switch(silent=True)

    def resume(self) -> None:
        self._switch(silent=False)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._switch(silent=True)
        self._listener.close()

    def _switch(self, *, silent: bool) -> None:
        with self._lock:
            self._silent = silent
            dropped, self._open = self._open, []
        for sock in dropped:
            _drop(sock)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            with self._lock:
                self._open.append(client)
                if self._silent:
                    continue  # held open, never answered
            upstream = socket.create_connection(self._target)
            with self._lock:
                self._open.append(upstream)
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=_relay, args=(source, target), daemon=True).start()


def _relay(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _drop(source)
        _drop(target)


def _drop(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv
    sock.close()


@pytest.fixture
def s3_proxy(moto_endpoint: str) -> Iterator[tuple[_SwitchableProxy, str]]:
    """A proxy in front of moto, and a new bucket behind it."""
    bucket = f"slow-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client(
        "s3", endpoint_url=moto_endpoint, config=Config(s3={"addressing_style": "path"})
    )
    s3.create_bucket(Bucket=bucket)
    proxy = _SwitchableProxy(moto_endpoint)
    try:
        yield proxy, bucket
    finally:
        proxy.close()


@pytest.mark.slow
def test_a_storage_that_stops_answering_is_503_within_a_bound(
    s3_proxy: tuple[_SwitchableProxy, str], tmp_path: Path
) -> None:
    proxy, bucket = s3_proxy
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite",
        "CLIPSTREAM_STORAGE_URL": f"s3://{bucket}/media",
        "CLIPSTREAM_S3_ENDPOINT_URL": proxy.url,
        "CLIPSTREAM_MULTIPART_THRESHOLD_BYTES": str(5 * MIB),
        "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0",
    }
    with running_server(env, tmp_path / "server.log") as base:
        asyncio.run(_stop_answering(base, proxy))


async def _stop_answering(base: str, proxy: _SwitchableProxy) -> None:
    bound = CALL_DEADLINE_SECONDS + 2
    data = tiny_clip()
    async with httpx.AsyncClient(base_url=base, timeout=4 * bound) as client:
        body = {"username": "ana", "email": "ana@example.com", "password": "correct horse battery"}
        tokens = (await client.post(f"{API}/auth/register", json=body)).json()
        user_id, auth = tokens["user"]["id"], {"Authorization": f"Bearer {tokens['accessToken']}"}
        single = await client.post(
            f"{API}/videos", json={"contentType": "video/mp4", "sizeBytes": len(data)}, headers=auth
        )
        assert single.status_code == 201, single.text
        video_id = single.json()["video"]["id"]
        uploaded = await client.put(single.json()["upload"]["url"], content=data)
        assert uploaded.status_code == 200, uploaded.text

        proxy.silence()
        started = time.monotonic()
        multipart, completed, ready = await asyncio.gather(
            client.post(
                f"{API}/videos",
                json={"contentType": "video/mp4", "sizeBytes": 20 * MIB},
                headers=auth,
            ),
            client.post(f"{API}/videos/{video_id}/complete", json={}, headers=auth),
            client.get("/health/ready"),
        )
        elapsed = time.monotonic() - started
        assert elapsed < bound, f"{elapsed:.1f} s"
        _assert_unavailable(multipart, "storage")  # creating a multipart upload needs the store
        _assert_unavailable(completed, "storage")  # completing checks the stored object
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["storage"]
        mine = (await client.get(f"{API}/users/{user_id}/videos", headers=auth)).json()
        # Nothing half-done: no multipart video, and the other one is still uploading, so that
        # its owner can complete it once the store answers again.
        assert [(v["id"], v["status"]) for v in mine["items"]] == [(video_id, "uploading")]

        proxy.resume()
        completed = await client.post(f"{API}/videos/{video_id}/complete", json={}, headers=auth)
        assert completed.status_code == 200, completed.text
        assert completed.json()["status"] == "processing", completed.text
        deadline = time.monotonic() + 60
        while (await client.get(f"{API}/videos/{video_id}", headers=auth)).json()[
            "status"
        ] == "processing":  # the server's own worker processes it
            assert time.monotonic() < deadline, "not processed within 60 s"
            await asyncio.sleep(0.1)
        stream = await client.get(f"{API}/videos/{video_id}/stream")
        assert stream.status_code == 302, stream.text
        assert (await client.get(stream.headers["location"])).content[4:8] == b"ftyp"


@pytest.fixture(params=["down", "silent"])
def unreachable_redis(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a Redis that refuses connections, or of one that accepts and never answers."""
    if request.param == "down":
        yield f"redis://127.0.0.1:{free_port()}/0"
        return
    silent = _SwitchableProxy(f"http://127.0.0.1:{free_port()}")
    silent.silence()
    try:
        yield silent.url.replace("http://", "redis://") + "/0"
    finally:
        silent.close()


async def test_redis_down_or_silent_is_503_within_a_bound(
    unreachable_redis: str, tmp_path: Path
) -> None:
    """Rate limits, login lock-out and view de-duplication live in Redis when it is configured."""
    bound = 2 * 2 + 1  # the Redis client's connect and read timeouts (2 s each), and some slack
    for rate_limit in (100, 0):
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path}/db-{rate_limit}.sqlite",
            storage_url=str(tmp_path / "media"),
            redis_url=unreachable_redis,
            jwt_secret=SECRET,
            bcrypt_rounds=4,
            rate_limit_per_minute=rate_limit,
        )
        upgrade_to_head(settings.database_url)
        async with AsyncTestClient(app=create_app(build_container(settings))) as client:
            started = time.monotonic()
            if rate_limit:  # every route counts the request in Redis first
                response = await client.get(f"{API}/videos")
            else:  # the login lock-out is checked in Redis
                login = {"login": "ana", "password": "correct horse battery"}
                response = await client.post(f"{API}/auth/login", json=login)
            assert time.monotonic() - started < bound
            _assert_unavailable(response, "cache")
            assert (await client.get("/health/live")).status_code == 200
