"""Port: new identifiers."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class IdGenerator(Protocol):
    """New identifiers."""

    def new_id(self) -> UUID:
        """A new time-ordered (v7) UUID."""
        ...
