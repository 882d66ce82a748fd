"""Wiring: use cases reach handlers by the container's names, and a wrong name stops the start."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.di import Provide
from litestar.exceptions import ImproperlyConfiguredException
from litestar.handlers import HTTPRouteHandler
from litestar.params import SkipValidation
from redis.asyncio import Redis

from adapters.redis.rate_limit import RedisRateLimitStore
from application.auth.authenticate import Authenticate
from application.videos.create_video import CreateVideo
from application.videos.get_video import GetVideo
from application.videos.list_videos import ListVideos
from entrypoints.composition import Container
from entrypoints.http.app import create_app
from entrypoints.http.dependencies import app_dependencies, check_injections
from entrypoints.http.middleware.rate_limit import AtomicCounter


def app_with(container: Container, handler: HTTPRouteHandler, **extra: Provide) -> Litestar:
    return Litestar(route_handlers=[handler], dependencies=app_dependencies(container) | extra)


def test_every_use_case_is_a_dependency_named_like_its_provider(container: Container) -> None:
    services = container.services()
    dependencies = app_dependencies(container)
    assert {"create_video", "like_video", "check_readiness", "idempotency"} <= services.keys()
    assert services.keys() <= dependencies.keys()
    assert {"principal", "viewer", "cursors", "base_url"} <= dependencies.keys()
    assert not any(name.startswith("_") for name in services)  # private helpers stay inside
    assert "clock" not in services  # ports are not handed out, only what is built from them


def test_the_real_app_injects_only_what_exists(container: Container) -> None:
    check_injections(create_app(container), container.services())


def test_a_misspelt_use_case_stops_the_start(container: Container) -> None:
    @get("/videos")
    async def handler(crate_video: SkipValidation[CreateVideo]) -> None: ...

    app = app_with(container, handler)
    with pytest.raises(ImproperlyConfiguredException, match="'crate_video'"):
        check_injections(app, container.services())


def test_a_use_case_of_another_class_stops_the_start(container: Container) -> None:
    @get("/videos")
    async def handler(get_video: SkipValidation[ListVideos]) -> None: ...

    app = app_with(container, handler)
    with pytest.raises(ImproperlyConfiguredException, match="GetVideo, not a ListVideos"):
        check_injections(app, container.services())


def test_a_misspelt_name_in_a_dependency_stops_the_start(container: Container) -> None:
    async def provide_caller(authenticat: SkipValidation[Authenticate]) -> str:
        return "caller"

    @get("/me")
    async def handler(caller: SkipValidation[str], get_video: SkipValidation[GetVideo]) -> None: ...

    app = app_with(container, handler, caller=Provide(provide_caller))
    with pytest.raises(ImproperlyConfiguredException, match="'authenticat'"):
        check_injections(app, container.services())


def test_the_redis_rate_limit_store_counts_atomically() -> None:
    # The shared rate limit takes the atomic path only for an `AtomicCounter`: a renamed `hit`
    # would silently fall back to Litestar's per-process count.
    store = RedisRateLimitStore(Redis.from_url("redis://127.0.0.1:1"), namespace="test")
    assert isinstance(store, AtomicCounter)
