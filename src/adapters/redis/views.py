"""View de-duplication in Redis (shared by every instance)."""

from __future__ import annotations

from redis.asyncio import Redis

from adapters.redis.errors import redis_errors
from application.ports.view_deduplicator import ViewDeduplicator


class RedisViewDeduplicator(ViewDeduplicator):
    """`SET key 1 NX EX window`: only the first viewer of a window sets the key."""

    def __init__(self, client: Redis, prefix: str = "clipstream:view:") -> None:
        self._client = client
        self._prefix = prefix

    async def first_in_window(self, key: str, window_seconds: int) -> bool:
        with redis_errors():
            return bool(
                await self._client.set(self._prefix + key, b"1", nx=True, ex=window_seconds)
            )
