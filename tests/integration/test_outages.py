"""A dependency that is down gives 503 problem details, never a 500 or a hang, and leaves nothing half-done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.config import Settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.integration.servers import free_port

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
    from adapters.sqlalchemy.migrate import upgrade_to_head

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
