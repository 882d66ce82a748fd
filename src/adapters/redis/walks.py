"""Pinned For You walks in Redis (shared by every instance)."""

from __future__ import annotations

from uuid import UUID

import msgspec
from redis.asyncio import Redis

from adapters.redis.errors import redis_errors
from application.ports.walk_store import PinnedWalk, WalkStore


class _Stored(msgspec.Struct, array_like=True):
    pages: list[list[UUID]]
    resume_rank: float | None
    resume_id: UUID | None
    pinned: list[UUID] = []


class RedisWalkStore(WalkStore):
    """`SET key <msgpack> EX ttl`; a walk of 300 videos takes about 5 KB."""

    def __init__(self, client: Redis, prefix: str = "clipstream:walk:") -> None:
        self._client = client
        self._prefix = prefix

    async def save(self, walk_id: UUID, walk: PinnedWalk, ttl_seconds: int) -> None:
        stored = _Stored(
            pages=[list(page) for page in walk.pages],
            resume_rank=walk.resume_rank,
            resume_id=walk.resume_id,
            pinned=list(walk.pinned),
        )
        with redis_errors():
            await self._client.set(
                self._prefix + str(walk_id), msgspec.msgpack.encode(stored), ex=ttl_seconds
            )

    async def load(self, walk_id: UUID) -> PinnedWalk | None:
        with redis_errors():
            raw = await self._client.get(self._prefix + str(walk_id))
        if raw is None:
            return None
        data = raw if isinstance(raw, bytes) else raw.encode()
        stored = msgspec.msgpack.decode(data, type=_Stored)
        return PinnedWalk(
            pages=stored.pages,
            resume_rank=stored.resume_rank,
            resume_id=stored.resume_id,
            pinned=stored.pinned,
        )
