"""View de-duplication, login lock-out and pinned For You walks: the same contract in memory and
in Redis."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from redis.asyncio import Redis

from adapters.memory.login_attempts import MemoryLoginAttemptStore
from adapters.memory.views import MemoryViewDeduplicator
from adapters.memory.walks import MemoryWalkStore
from adapters.redis.login_attempts import RedisLoginAttemptStore
from adapters.redis.views import RedisViewDeduplicator
from adapters.redis.walks import RedisWalkStore
from adapters.system import SystemClock
from application.errors import DependencyUnavailable
from application.ports.walk_store import PinnedWalk
from tests.integration.servers import free_port
from tests.support.redis_for_tests import DEFAULT_TEST_REDIS_URL, redis_database, redis_url
from tests.support.waiting import until


@pytest.fixture(params=["memory", "redis"])
async def make(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """A factory of (views, attempts) adapters of one backend, on a private key prefix."""
    client = None
    if request.param == "redis":
        url = redis_url()
        client = Redis.from_url(url)
        try:
            await client.ping()
        except Exception as error:
            await client.aclose()
            if os.environ.get("CI") == "true":
                pytest.fail(f"Redis is needed on CI at {url}: {error}")
            pytest.skip(f"no Redis at {url}: {error}")

    class Make:
        def views(self) -> Any:
            if client is None:
                return MemoryViewDeduplicator(SystemClock())
            return RedisViewDeduplicator(client, prefix=_prefix())

        def attempts(self, **limits: Any) -> Any:
            if client is None:
                return MemoryLoginAttemptStore(SystemClock(), **limits)
            return RedisLoginAttemptStore(client, SystemClock(), prefix=_prefix(), **limits)

        def walks(self) -> Any:
            if client is None:
                return MemoryWalkStore(SystemClock())
            return RedisWalkStore(client, prefix=_prefix())

    yield Make()
    if client is not None:
        await client.aclose()


def _prefix() -> str:
    return f"clipstream-test:{uuid.uuid4().hex}:"


async def test_a_view_counts_once_per_window(make: Any) -> None:
    views = make.views()
    assert await views.first_in_window("video-1:user:a", 1)
    assert not await views.first_in_window("video-1:user:a", 1)
    assert await views.first_in_window("video-1:user:b", 1)
    assert await views.first_in_window("video-2:user:a", 1)
    counted_again = await until(
        lambda: views.first_in_window("video-1:user:a", 1), "the one-second window to end", 5
    )
    assert counted_again > 0.5  # not before the window ends


async def test_concurrent_views_count_once(make: Any) -> None:
    views = make.views()
    results = await asyncio.gather(*(views.first_in_window("v:x", 60) for _ in range(20)))
    assert results.count(True) == 1


async def test_lockout_after_max_failures_and_expiry(make: Any) -> None:
    store = make.attempts(max_failures=3, window=timedelta(seconds=5), lockout=timedelta(seconds=1))
    assert await store.locked_for("login:ana") == 0
    assert await store.record_failure("login:ana") == 0
    assert await store.record_failure("login:ana") == 0
    assert await store.record_failure("login:ana") == 1
    assert 0 < await store.locked_for("login:ana") <= 1
    assert await store.locked_for("login:bob") == 0

    async def unlocked() -> bool:
        seconds: int = await store.locked_for("login:ana")
        return seconds == 0

    assert await until(unlocked, "the one-second lock-out to end", 5) > 0.5
    assert await store.record_failure("login:ana") == 0  # the count started again


async def test_reset_forgets_failures(make: Any) -> None:
    store = make.attempts(max_failures=2)
    await store.record_failure("login:ana")
    await store.reset("login:ana")
    assert await store.record_failure("login:ana") == 0


async def test_a_pinned_walk_is_kept_until_it_expires(make: Any) -> None:
    walks = make.walks()
    walk_id, other = uuid.uuid4(), uuid.uuid4()
    pages = [[uuid.uuid4(), uuid.uuid4()], [uuid.uuid4()], []]
    resume = uuid.uuid4()

    await walks.save(walk_id, PinnedWalk(pages=pages, resume_rank=1.5, resume_id=resume), 1)
    await walks.save(other, PinnedWalk(pages=[], resume_rank=None, resume_id=None), 60)
    loaded = await walks.load(walk_id)

    assert loaded is not None
    assert [list(page) for page in loaded.pages] == pages
    assert (loaded.resume_rank, loaded.resume_id) == (1.5, resume)
    assert await walks.load(uuid.uuid4()) is None
    await asyncio.sleep(1.1)
    assert await walks.load(walk_id) is None
    kept = await walks.load(other)
    assert kept is not None
    assert (list(kept.pages), kept.resume_rank, kept.resume_id) == ([], None, None)


async def test_redis_down_is_dependency_unavailable() -> None:
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    try:
        with pytest.raises(DependencyUnavailable):
            await RedisViewDeduplicator(client).first_in_window("k", 10)
        with pytest.raises(DependencyUnavailable):
            await RedisLoginAttemptStore(client, SystemClock()).locked_for("k")
    finally:
        await client.aclose()


def test_the_tests_use_a_redis_database_of_their_own_and_never_database_0(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TEST_REDIS_URL", raising=False)
    assert redis_url() == DEFAULT_TEST_REDIS_URL
    assert redis_database(DEFAULT_TEST_REDIS_URL) == 15
    monkeypatch.setenv("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
    assert redis_url() == "redis://127.0.0.1:6379/3"
    for url in ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379", "redis://h:6379?db=0"):
        monkeypatch.setenv("TEST_REDIS_URL", url)
        with pytest.raises(pytest.fail.Exception, match="names database 0"):
            redis_url()
