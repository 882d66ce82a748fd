"""Fixtures for fast tests on the in-memory adapters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import AsyncTestClient

from adapters.email.memory import MemoryEmailSender
from entrypoints.composition import Container, build_container
from entrypoints.config import Settings
from entrypoints.http.app import create_app
from tests.support.clock import ManualClock
from tests.support.fake_media import FakeMediaProcessor

TEST_SECRET = b"unit-test-secret-that-is-at-least-32-bytes-long"
METRICS_TOKEN = b"unit-test-metrics-token-at-least-32-bytes"
# The test client's address is "testclient", no IP: /metrics answers it with the token only.
METRICS_AUTH = {"Authorization": "Bearer " + METRICS_TOKEN.decode()}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_container(clock: ManualClock) -> Callable[..., Container]:
    def make(**overrides: object) -> Container:
        settings = Settings(
            **{
                "bcrypt_rounds": 4,
                "rate_limit_per_minute": 0,
                "jwt_secret": TEST_SECRET,
                "metrics_token": METRICS_TOKEN,
                **overrides,
            }  # type: ignore[arg-type]
        )
        container = build_container(settings, storage="memory")
        container.core.clock.override(providers.Object(clock))
        # Videos are "processed" by a fake (no decoding, no child process): see fake_media.
        container.core.media.override(providers.Object(FakeMediaProcessor()))
        # Emails go to a list (`outbox`), never to ./var/outbox or a server.
        container.core.email_sender.override(providers.Object(MemoryEmailSender()))
        return container

    return make


@pytest.fixture
def container(make_container: Callable[..., Container]) -> Container:
    return make_container()


@pytest.fixture
async def client(container: Container) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=create_app(container)) as test_client:
        yield test_client
