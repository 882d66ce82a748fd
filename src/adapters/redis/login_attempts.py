"""Login lock-out in Redis (shared by every instance)."""

from __future__ import annotations

import math
import uuid
from datetime import timedelta

from redis.asyncio import Redis

from adapters.redis.errors import redis_errors
from application.ports.clock import Clock
from application.ports.login_attempt_store import (
    FAILED_LOGIN_WINDOW,
    LOGIN_LOCKOUT,
    MAX_FAILED_LOGINS,
    LoginAttemptStore,
)


class RedisLoginAttemptStore(LoginAttemptStore):
    """A sorted set of failure times per key (sliding window) and a lock key with a TTL."""

    def __init__(
        self,
        client: Redis,
        clock: Clock,
        max_failures: int = MAX_FAILED_LOGINS,
        window: timedelta = FAILED_LOGIN_WINDOW,
        lockout: timedelta = LOGIN_LOCKOUT,
        prefix: str = "clipstream:login:",
    ) -> None:
        self._client = client
        self._clock = clock
        self._max_failures = max_failures
        self._window = window
        self._lockout = lockout
        self._prefix = prefix

    async def locked_for(self, key: str) -> int:
        with redis_errors():
            remaining_ms = await self._client.pttl(self._lock(key))
        return max(1, math.ceil(remaining_ms / 1000)) if remaining_ms > 0 else 0

    async def record_failure(self, key: str) -> int:
        now = self._clock.now().timestamp()
        window = self._window.total_seconds()
        failures = self._prefix + "failures:" + key
        with redis_errors():
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(failures, "-inf", now - window)
                pipe.zadd(failures, {uuid.uuid4().hex: now})
                pipe.zcard(failures)
                pipe.expire(failures, math.ceil(window))
                _, _, count, _ = await pipe.execute()
            if count < self._max_failures:
                return 0
            lockout = math.ceil(self._lockout.total_seconds())
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.set(self._lock(key), b"1", ex=lockout)
                pipe.delete(failures)
                await pipe.execute()
        return lockout

    async def reset(self, key: str) -> None:
        with redis_errors():
            await self._client.delete(self._prefix + "failures:" + key, self._lock(key))

    def _lock(self, key: str) -> str:
        return self._prefix + "locked:" + key
