"""Port: what a viewer did, as the signals their For You learns from (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.taste import Interaction


class TasteQueries(Protocol):
    """A viewer's recent interactions, in one round trip."""

    async def interactions(
        self, viewer_id: UUID, *, watched_since: datetime, limit: int
    ) -> Sequence[Interaction]:
        """The viewer's latest `limit` likes, comments, follows and not-interested marks (each
        kind counted apart), and their latest `limit` watches since `watched_since` that were
        watched enough or skipped (`domain.taste.watch_signal`), with each video's creator and
        hashtags."""
        ...
