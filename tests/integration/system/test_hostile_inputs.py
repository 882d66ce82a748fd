"""Hostile inputs on every route, on SQLite and PostgreSQL (in process): never a 5xx, every error a
problem-details body. PostgreSQL refuses NUL bytes in text: such input must never reach it."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient

from entrypoints.composition import build_container
from entrypoints.config import Settings
from entrypoints.http.app import create_app
from tests.support.fake_media import FakeMediaProcessor
from tests.support.hostile import run_corpus

API = "/api/v1"


async def test_no_hostile_input_gets_a_server_error_or_a_bare_error(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=database_url,
        storage_url=str(tmp_path / "media"),
        public_url="http://testserver.local",
        jwt_secret=b"hostile-inputs-secret-0123456789-0123456789",
        bcrypt_rounds=4,
        rate_limit_per_minute=0,
    )
    container = build_container(settings)
    container.core.media.override(providers.Object(FakeMediaProcessor.tiny()))
    count, failures = await run_corpus(create_app(container), container)
    assert count > 1000
    assert not failures, "\n".join(f"{label}: {why}" for label, why in sorted(failures.items()))


@pytest.mark.postgres
async def test_nul_bytes_in_lookups_are_answered_like_any_other_miss(
    postgres_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=postgres_url,
        storage_url=str(tmp_path / "media"),
        jwt_secret=b"hostile-inputs-secret-0123456789-0123456789",
        bcrypt_rounds=4,
        rate_limit_per_minute=0,
    )
    async with AsyncTestClient(app=create_app(build_container(settings))) as client:
        login = await client.post(
            f"{API}/auth/login", json={"login": "ana\x00", "password": "correct horse"}
        )
        assert login.status_code in (401, 422), login.text
        assert (await client.get(f"{API}/users", params={"q": "a\x00"})).status_code in (200, 400)
        assert (await client.get(f"{API}/users/by-username/ana%00")).status_code in (400, 404)
