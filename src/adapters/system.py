"""Clock and id generator adapters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import uuid_utils.compat


class SystemClock:
    """The real time, UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class Uuid7Generator:
    """Time-ordered UUIDv7, monotonic within the process."""

    def new_id(self) -> UUID:
        return uuid_utils.compat.uuid7()
