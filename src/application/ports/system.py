"""Ports for time and identifiers."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID


class Clock(Protocol):
    """The current time."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class IdGenerator(Protocol):
    """New identifiers."""

    def new_id(self) -> UUID:
        """A new time-ordered (v7) UUID."""
        ...
