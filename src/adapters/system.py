"""Clock and id generator adapters."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import uuid_utils.compat

from application.ports.clock import Clock
from application.ports.id_generator import IdGenerator


class SystemClock(Clock):
    """The real time, UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class Uuid7Generator(IdGenerator):
    """Time-ordered UUIDv7, monotonic within the process."""

    def new_id(self) -> UUID:
        return uuid_utils.compat.uuid7()
