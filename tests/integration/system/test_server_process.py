"""The real `clipstream serve` process, over real HTTP: accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.servers import running_server

PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    env = {
        "CLIPSTREAM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/clipstream.db",
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_JWT_SECRET": "",  # development: a random secret per start
    }
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
