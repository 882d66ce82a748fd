"""SIGTERM lets in-flight requests finish before the server exits."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.integration.servers import free_port
from tests.integration.system.test_server_videos import mp4
from tests.support.process_logs import kept_log

pytestmark = pytest.mark.slow


def test_an_upload_in_flight_completes_after_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/db.sqlite",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_BCRYPT_ROUNDS": "4",
    }
    command = [str(Path(sys.executable).with_name("clipstream")), "serve", "--port", str(port)]
    with kept_log(tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        asyncio.run(_drill(server, f"http://127.0.0.1:{port}", tmp_path))
    finally:
        if server.poll() is None:
            server.kill()


async def _drill(server: subprocess.Popen[bytes], base: str, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        deadline = time.monotonic() + 30
        while True:
            try:
                if (await client.get("/health/ready")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not become ready (its log follows)"
            await asyncio.sleep(0.1)
        body = {"username": "ana", "email": "ana@example.com", "password": "correct horse battery"}
        tokens = (await client.post("/api/v1/auth/register", json=body)).json()
        data = mp4(400_000)
        created = (
            await client.post(
                "/api/v1/videos",
                json={"contentType": "video/mp4", "sizeBytes": len(data)},
                headers={"Authorization": f"Bearer {tokens['accessToken']}"},
            )
        ).json()

        under_way = asyncio.Event()

        async def slowly() -> AsyncIterator[bytes]:  # a slow client: 40 kB every 0.2 s
            for start in range(0, len(data), 40_000):
                if start == 80_000:  # two chunks are sent: the request is in flight
                    under_way.set()
                yield data[start : start + 40_000]
                await asyncio.sleep(0.2)

        upload = asyncio.create_task(client.put(created["upload"]["url"], content=slowly()))
        await under_way.wait()
        server.send_signal(signal.SIGTERM)
        response = await upload
        assert response.status_code == 200, response.text
        assert await asyncio.to_thread(server.wait, 30) == 0
        assert (
            tmp_path / "media" / "videos" / created["video"]["id"] / "source"
        ).read_bytes() == data
