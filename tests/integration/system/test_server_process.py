"""The real `clipstream serve` process, over real HTTP: accounts."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.servers import running_server
from tests.support.redis_for_tests import redis_url

PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_JWT_SECRET": "",  # development: a random secret per start
    }
    # Several workers share their limits and lock-outs through Redis (serve refuses otherwise).
    env["CLIPSTREAM_REDIS_URL"] = redis_url()
    with running_server(env, tmp_path / "server.log", workers=2) as base:
        yield base


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


def _raw_exchange(base: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes to the server; its status, headers and body."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.slow
def test_oversized_requests_get_problem_details_through_the_real_server(server: str) -> None:
    uri = b"/api/v1/videos?q=" + b"a" * 20_000
    status, headers, body = _raw_exchange(
        server, b"GET " + uri + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert status == 414
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == 414
    big = b"X-Big: " + b"a" * 50_000 + b"\r\n"
    status, headers, body = _raw_exchange(
        server, b"GET /health/live HTTP/1.1\r\nHost: x\r\n" + big + b"Connection: close\r\n\r\n"
    )
    assert status == 431
    assert json.loads(body)["status"] == 431
