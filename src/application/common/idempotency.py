"""Idempotency keys: a retried request replays the first response instead of acting twice."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import timedelta

from application.ports.clock import Clock
from application.ports.idempotency_store import IdempotencyStore, StoredResponse
from domain.errors import Conflict, ValidationFailed

KEY_TTL = timedelta(hours=24)
STALE_CLAIM = timedelta(minutes=1)
MAX_KEY_LENGTH = 255


def fingerprint(body: bytes) -> str:
    """What identifies "the same request body"."""
    return hashlib.sha256(body).hexdigest()


class IdempotentRequests:
    """Runs an action once per (scope, key) within 24 h.

    Rules: the same key with the same body returns the first response and does nothing new; the same
    key with a different body is refused (422); while the first request still runs, a repeat is 409.
    A request that failed releases its key, so the client can retry it.
    """

    def __init__(self, store: IdempotencyStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def run(
        self,
        scope: str,
        key: str,
        request_fingerprint: str,
        action: Callable[[], Awaitable[StoredResponse]],
    ) -> StoredResponse:
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise ValidationFailed.single(
                "Idempotency-Key", f"must be 1..{MAX_KEY_LENGTH} printable characters"
            )
        now = self._clock.now()
        record = await self._store.claim(
            scope, key, request_fingerprint, now, stale_before=now - STALE_CLAIM
        )
        if record is not None and record.created_at <= now - KEY_TTL:
            await self._store.release(scope, key)  # expired: the key is new again
            record = await self._store.claim(
                scope, key, request_fingerprint, now, stale_before=now - STALE_CLAIM
            )
        if record is not None:
            if record.fingerprint != request_fingerprint:
                raise ValidationFailed.single(
                    "Idempotency-Key", "was already used with a different request body"
                )
            if record.response is None:
                raise Conflict("A request with this Idempotency-Key is still in progress.")
            return record.response
        try:
            response = await action()
        except BaseException:
            await self._store.release(scope, key)
            raise
        await self._store.complete(scope, key, response)
        return response

    async def purge_expired(self) -> int:
        """Forget keys older than 24 h; returns how many."""
        return await self._store.purge(self._clock.now() - KEY_TTL)
