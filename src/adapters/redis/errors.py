"""Translating Redis outages into `DependencyUnavailable`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from application.errors import DependencyUnavailable


@contextmanager
def redis_errors() -> Iterator[None]:
    """Raise `DependencyUnavailable("cache")` when Redis is unreachable or too slow."""
    try:
        yield
    except (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError) as error:
        raise DependencyUnavailable("cache") from error
