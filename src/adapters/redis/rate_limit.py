"""A Litestar store that counts a rate-limit window atomically in Redis (shared by every instance)."""

from __future__ import annotations

import math

from litestar.stores.redis import RedisStore

from adapters.redis.errors import redis_errors


class RedisRateLimitStore(RedisStore):
    """Litestar's Redis store, plus `hit`: one atomic step that counts a request in its window."""

    async def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        """Count a request under `key`; returns the requests of its window so far (this one
        included) and the seconds until the window ends. A window starts with its first request."""
        name = self._make_key(key)
        with redis_errors():
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=window_seconds, nx=True)
                pipe.incr(name)
                pipe.pttl(name)
                _, count, remaining_ms = await pipe.execute()
        return int(count), max(1, math.ceil(int(remaining_ms) / 1000))
