"""In-memory idempotency-key store (one process)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from application.ports.idempotency_store import IdempotencyRecord, IdempotencyStore, StoredResponse


class MemoryIdempotencyStore(IdempotencyStore):
    """Records in a dict; asyncio runs one coroutine at a time, so claims are atomic."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], IdempotencyRecord] = {}

    async def claim(
        self, scope: str, key: str, fingerprint: str, now: datetime, *, stale_before: datetime
    ) -> IdempotencyRecord | None:
        existing = self._records.get((scope, key))
        if existing is not None and not (
            existing.response is None and existing.created_at < stale_before
        ):
            return existing
        self._records[(scope, key)] = IdempotencyRecord(fingerprint, now, None)
        return None

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        record = self._records.get((scope, key))
        if record is not None:
            self._records[(scope, key)] = dataclasses.replace(record, response=response)

    async def release(self, scope: str, key: str) -> None:
        self._records.pop((scope, key), None)

    async def purge(self, older_than: datetime) -> int:
        old = [k for k, r in self._records.items() if r.created_at < older_than]
        for k in old:
            del self._records[k]
        return len(old)
