"""Port: the moderation audit log (write side): append-only."""

from __future__ import annotations

from typing import Protocol

from domain.moderation import AuditEntry


class AuditLog(Protocol):
    """Every moderation action, appended in the action's transaction. Nothing changes or deletes
    an entry (the database refuses it too)."""

    async def append(self, entry: AuditEntry) -> None:
        """Add an entry."""
        ...
