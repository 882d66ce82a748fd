"""The real `clipstream serve` process, over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clipstream() -> str:
    return str(Path(sys.executable).with_name("clipstream"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_BCRYPT_ROUNDS": "4",
    }
    env.pop("CLIPSTREAM_JWT_SECRET", None)
    log = (tmp_path / "server.log").open("wb")
    process = subprocess.Popen(
        [_clipstream(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited early:\n{(tmp_path / 'server.log').read_text()}")
            try:
                if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"server did not become ready:\n{(tmp_path / 'server.log').read_text()}"
                )
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.mark.slow
def test_register_login_and_read_me_over_http(server: str) -> None:
    with httpx.Client(base_url=f"{server}/api/v1", timeout=10) as client:
        registered = client.post(
            "/auth/register",
            json={"username": "Ana", "email": "ana@example.com", "password": PASSWORD},
        )
        assert registered.status_code == 201, registered.text
        login = client.post("/auth/login", json={"login": "ana", "password": PASSWORD})
        assert login.status_code == 200, login.text
        tokens = login.json()
        # Two worker processes: every request must be accepted whichever worker answers it,
        # so they share the per-start development secret.
        for _ in range(6):
            me = client.get(
                "/users/me", headers={"Authorization": f"Bearer {tokens['accessToken']}"}
            )
            assert me.status_code == 200, me.text
            assert me.json()["username"] == "ana"
        refreshed = client.post("/auth/refresh", json={"refreshToken": tokens["refreshToken"]})
        assert refreshed.status_code == 200
        bad = client.post("/auth/login", content=b"{", headers={"content-type": "application/json"})
        assert bad.status_code == 400
        assert bad.headers["content-type"].startswith("application/problem+json")
