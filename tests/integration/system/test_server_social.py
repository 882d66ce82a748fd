"""Exact counts under concurrency, on the real server process with PostgreSQL, over real HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import running_server
from tests.support.clips import tiny_clip
from tests.support.redis_for_tests import redis_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path: Path, postgres_databases: PostgresDatabases) -> Iterator[str]:
    env = {
        "CLIPSTREAM_DATABASE_URL": postgres_databases.create(migrated=True),
        "CLIPSTREAM_STORAGE_URL": str(tmp_path / "media"),
        "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": "0",
    }
    # Several workers share their limits and lock-outs through Redis (serve refuses otherwise).
    env["CLIPSTREAM_REDIS_URL"] = redis_url()
    with running_server(env, tmp_path / "server.log", workers=2) as base:
        yield f"{base}/api/v1"


async def _register(client: httpx.AsyncClient, username: str) -> tuple[str, dict[str, str]]:
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    response = await client.post("/auth/register", json=body)
    assert response.status_code == 201, response.text
    tokens = response.json()
    return tokens["user"]["id"], {"Authorization": f"Bearer {tokens['accessToken']}"}


async def _publish(client: httpx.AsyncClient, auth: dict[str, str]) -> str:
    data = tiny_clip()
    created = (
        await client.post(
            "/videos", json={"contentType": "video/mp4", "sizeBytes": len(data)}, headers=auth
        )
    ).json()
    assert (await client.put(created["upload"]["url"], content=data)).status_code == 200
    video_id: str = created["video"]["id"]
    done = await client.post(f"/videos/{video_id}/complete", json={}, headers=auth)
    assert done.json()["status"] == "processing"
    deadline = time.monotonic() + 60
    while (await client.get(f"/videos/{video_id}", headers=auth)).json()["status"] != "ready":
        assert time.monotonic() < deadline, "not processed within 60 s"
        await asyncio.sleep(0.1)
    return video_id


def test_parallel_likes_and_follows_count_exactly(server: str) -> None:
    async def scenario() -> None:
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=server, timeout=60, limits=limits) as client:
            owner_id, owner = await _register(client, "owner")
            video_id = await _publish(client, owner)
            fans = await asyncio.gather(*(_register(client, f"fan{i:02d}") for i in range(50)))

            likes = await asyncio.gather(
                *(client.put(f"/videos/{video_id}/like", headers=auth) for _, auth in fans)
            )
            assert all(r.status_code == 200 for r in likes), [
                r.text for r in likes if r.status_code != 200
            ]
            video = (await client.get(f"/videos/{video_id}")).json()
            assert video["likeCount"] == 50
            assert (await client.get(f"/users/{owner_id}")).json()["likeCount"] == 50

            _, one_fan = fans[0]
            again = await asyncio.gather(
                *(client.put(f"/videos/{video_id}/like", headers=one_fan) for _ in range(20))
            )
            assert {r.json()["likeCount"] for r in again} == {50}
            undo = await asyncio.gather(
                *(client.delete(f"/videos/{video_id}/like", headers=one_fan) for _ in range(20))
            )
            assert all(r.status_code == 200 for r in undo)
            assert (await client.get(f"/videos/{video_id}")).json()["likeCount"] == 49

            follows = await asyncio.gather(
                *(client.put(f"/users/{owner_id}/follow", headers=auth) for _, auth in fans)
            )
            assert all(r.status_code == 200 for r in follows)
            assert (await client.get(f"/users/{owner_id}")).json()["followerCount"] == 50
            repeated = await asyncio.gather(
                *(client.put(f"/users/{owner_id}/follow", headers=one_fan) for _ in range(20))
            )
            assert {r.json()["followerCount"] for r in repeated} == {50}
            first_fan_id = fans[0][0]
            assert (await client.get(f"/users/{first_fan_id}")).json()["followingCount"] == 1

            single_user_likes = await asyncio.gather(
                *(client.put(f"/videos/{video_id}/like", headers=owner) for _ in range(20))
            )
            assert {r.json()["likeCount"] for r in single_user_likes} == {50}

    asyncio.run(scenario())
