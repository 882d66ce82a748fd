"""Clock and id generator adapters."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import uuid_utils.compat


class SystemClock:
    """The real time, UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class Uuid7Generator:
    """Time-ordered UUIDv7, monotonic within the process."""

    def new_id(self) -> UUID:
        return uuid_utils.compat.uuid7()
