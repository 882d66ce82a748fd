"""Two `clipstream serve` processes on one PostgreSQL database and one Redis behave as one service.

Each test talks to instance A and instance B in turn, as a load balancer would, and checks that the
state the instances keep outside the database is shared through Redis: the per-address rate limit,
the per-account login lock-out and view de-duplication; and that an Idempotency-Key used on one
instance is honoured on the other (those keys live in the database).

The instances use the tests' Redis database (`TEST_REDIS_URL`, see tests/support/redis_for_tests.py),
which is emptied before and after each pair of instances.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.integration.conftest import PostgresDatabases
from tests.integration.servers import running_server
from tests.support.clips import tiny_clip
from tests.support.redis_for_tests import redis_url

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

API = "/api/v1"
PASSWORD = "correct horse battery"
SECRET = "two-instances-test-secret-0123456789-0123456789"
RATE_LIMIT = 10
MAX_LOGIN_FAILURES = 10  # API.md: the 10th failure within 15 minutes locks the account


@contextmanager
def _flushed_redis() -> Iterator[str]:
    """The URL of this module's Redis database, emptied before and after."""
    url = redis_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is needed on CI at {url}: {error}")
        pytest.skip(f"no Redis at {url}: {error}")
    try:
        client.flushdb()
        yield url
    finally:
        client.flushdb()
        client.close()


@dataclass(frozen=True)
class Pair:
    """The base URLs of two instances of the service."""

    a: str
    b: str

    def alternate(self, count: int) -> list[str]:
        return [self.a if i % 2 == 0 else self.b for i in range(count)]


@contextmanager
def _pair(
    postgres_databases: PostgresDatabases, directory: Path, *, rate_limit: int
) -> Iterator[Pair]:
    """Two server processes on one fresh database, one media directory and one Redis database."""
    with ExitStack() as stack:
        shared_redis = stack.enter_context(_flushed_redis())
        env = {
            "CLIPSTREAM_DATABASE_URL": postgres_databases.create(migrated=True),
            "CLIPSTREAM_STORAGE_URL": str(directory / "media"),
            "CLIPSTREAM_REDIS_URL": shared_redis,
            "CLIPSTREAM_JWT_SECRET": SECRET,  # tokens and upload grants verify on either instance
            "CLIPSTREAM_RATE_LIMIT_PER_MINUTE": str(rate_limit),
        }
        a = stack.enter_context(running_server(env, directory / "a.log"))
        b = stack.enter_context(running_server(env, directory / "b.log"))
        yield Pair(a, b)


@pytest.fixture(scope="module")
def pair(
    postgres_databases: PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    """Two instances without a rate limit."""
    with _pair(postgres_databases, tmp_path_factory.mktemp("pair"), rate_limit=0) as instances:
        yield instances


def _register(base: str) -> tuple[str, dict[str, str]]:
    name = f"u_{uuid.uuid4().hex[:12]}"
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    response = httpx.post(f"{base}{API}/auth/register", json=body, timeout=10)
    assert response.status_code == 201, response.text
    tokens = response.json()
    return name, {"Authorization": f"Bearer {tokens['accessToken']}"}


def _publish(base: str, auth: dict[str, str]) -> str:
    """A ready video; returns its id."""
    data = tiny_clip()
    created = httpx.post(
        f"{base}{API}/videos",
        json={"contentType": "video/mp4", "sizeBytes": len(data)},
        headers=auth,
        timeout=10,
    )
    assert created.status_code == 201, created.text
    video_id: str = created.json()["video"]["id"]
    uploaded = httpx.put(created.json()["upload"]["url"], content=data, timeout=10)
    assert uploaded.status_code == 200, uploaded.text
    done = httpx.post(f"{base}{API}/videos/{video_id}/complete", json={}, headers=auth, timeout=10)
    assert done.json()["status"] == "processing", done.text
    deadline = time.monotonic() + 60
    while (
        httpx.get(f"{base}{API}/videos/{video_id}", headers=auth, timeout=10).json()["status"]
        != "ready"
    ):  # processed by a worker of either instance
        assert time.monotonic() < deadline, "not processed within 60 s"
        time.sleep(0.1)
    return video_id


def _assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0


@pytest.fixture(scope="module")
def limited_pair(
    postgres_databases: PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Pair]:
    """Two instances with a rate limit of `RATE_LIMIT` requests per client address per minute."""
    directory = tmp_path_factory.mktemp("limited-pair")
    with _pair(postgres_databases, directory, rate_limit=RATE_LIMIT) as instances:
        yield instances


def _from(address: str) -> dict[str, Any]:
    """Client options for requests from a loopback address of their own: a client of its own for
    the per-address rate limit, so that each test starts with a full allowance."""
    return {"timeout": 10, "transport": httpx.HTTPTransport(local_address=address)}


def test_the_rate_limit_is_shared(limited_pair: Pair) -> None:
    with httpx.Client(**_from("127.0.0.2")) as client:
        for base in limited_pair.alternate(RATE_LIMIT):  # 5 on each instance
            assert client.get(f"{base}{API}/videos").status_code == 200
        _assert_problem(client.get(f"{limited_pair.a}{API}/videos"), 429)
        _assert_problem(client.get(f"{limited_pair.b}{API}/videos"), 429)
    with httpx.Client(**_from("127.0.0.3")) as client:  # another client is not affected
        assert client.get(f"{limited_pair.b}{API}/videos").status_code == 200


def test_a_burst_over_both_instances_gets_the_limit_and_no_more(limited_pair: Pair) -> None:
    """Requests arriving at both instances at once: exactly `RATE_LIMIT` of them get through."""
    statuses = asyncio.run(_burst(limited_pair.alternate(3 * RATE_LIMIT), "127.0.0.4"))
    assert sorted(statuses) == [200] * RATE_LIMIT + [429] * (2 * RATE_LIMIT), statuses


async def _burst(bases: list[str], address: str) -> list[int]:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    async with httpx.AsyncClient(timeout=10, transport=transport) as client:
        responses = await asyncio.gather(*(client.get(f"{base}{API}/videos") for base in bases))
    return [response.status_code for response in responses]


def test_the_login_lock_out_is_shared(pair: Pair) -> None:
    name, _ = _register(pair.a)
    with httpx.Client(timeout=10) as client:
        for base in pair.alternate(MAX_LOGIN_FAILURES):  # 5 failures on each instance
            wrong = client.post(
                f"{base}{API}/auth/login", json={"login": name, "password": "wrong password"}
            )
            assert wrong.status_code == 401, wrong.text
        for base in (pair.a, pair.b):  # locked everywhere, the right password included
            locked = client.post(
                f"{base}{API}/auth/login", json={"login": name, "password": PASSWORD}
            )
            _assert_problem(locked, 429)


def test_a_view_counts_once_whichever_instance_records_it(pair: Pair) -> None:
    _, owner = _register(pair.a)
    video_id = _publish(pair.a, owner)
    _, viewer = _register(pair.b)
    with httpx.Client(timeout=10) as client:

        def views() -> Any:
            return client.get(f"{pair.b}{API}/videos/{video_id}").json()["viewCount"]

        for base in (pair.a, pair.b, pair.a):  # a signed-in viewer
            assert (
                client.post(f"{base}{API}/videos/{video_id}/views", headers=viewer).status_code
                == 204
            )
        assert views() == 1
        for base in (pair.b, pair.a):  # an anonymous viewer: one client address
            assert client.post(f"{base}{API}/videos/{video_id}/views").status_code == 204
        assert views() == 2


def test_an_idempotency_key_is_honoured_by_either_instance(pair: Pair) -> None:
    name, auth = _register(pair.a)
    me = httpx.get(f"{pair.a}{API}/users/me", headers=auth, timeout=10).json()["id"]
    body = {"contentType": "video/mp4", "sizeBytes": 1000, "caption": "once #twice"}
    key = {"Idempotency-Key": uuid.uuid4().hex}
    with httpx.Client(timeout=10) as client:
        first = client.post(f"{pair.a}{API}/videos", json=body, headers={**auth, **key})
        again = client.post(f"{pair.b}{API}/videos", json=body, headers={**auth, **key})
        assert first.status_code == again.status_code == 201, (first.text, again.text)
        assert again.json()["video"]["id"] == first.json()["video"]["id"]
        different = client.post(
            f"{pair.b}{API}/videos", json={**body, "sizeBytes": 2000}, headers={**auth, **key}
        )
        assert different.status_code == 422, different.text
        mine = client.get(f"{pair.b}{API}/users/{me}/videos", headers=auth).json()["items"]
        assert [video["id"] for video in mine] == [first.json()["video"]["id"]]

        video_id = _publish(pair.b, auth)
        comment = {"body": f"said once by {name}"}
        key = {"Idempotency-Key": uuid.uuid4().hex}
        said = client.post(
            f"{pair.b}{API}/videos/{video_id}/comments", json=comment, headers={**auth, **key}
        )
        repeated = client.post(
            f"{pair.a}{API}/videos/{video_id}/comments", json=comment, headers={**auth, **key}
        )
        assert said.status_code == repeated.status_code == 201, (said.text, repeated.text)
        assert repeated.json()["id"] == said.json()["id"]
        listed = client.get(f"{pair.a}{API}/videos/{video_id}/comments").json()["items"]
        assert [c["id"] for c in listed] == [said.json()["id"]]
        assert client.get(f"{pair.a}{API}/videos/{video_id}").json()["commentCount"] == 1


def test_one_idempotency_key_sent_to_both_instances_at_once_creates_one_video(
    pair: Pair,
) -> None:
    _, auth = _register(pair.a)
    me = httpx.get(f"{pair.a}{API}/users/me", headers=auth, timeout=10).json()["id"]
    body = {"contentType": "video/mp4", "sizeBytes": 1000}
    headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}

    async def both() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=10) as client:
            return list(
                await asyncio.gather(
                    *(
                        client.post(f"{base}{API}/videos", json=body, headers=headers)
                        for base in pair.alternate(4)
                    )
                )
            )

    responses = asyncio.run(both())
    assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
    created = {r.json()["video"]["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1, [r.text for r in responses]
    mine = httpx.get(f"{pair.b}{API}/users/{me}/videos", headers=auth, timeout=10).json()["items"]
    assert [video["id"] for video in mine] == list(created)
