"""Port: full-text search of videos and fuzzy search of users (read side)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from application.ports.video_queries import VideoView
from domain.search import SearchTerms
from domain.users import User

SearchKey = tuple[float, UUID]
"""A keyset position in search results: (score, id), both descending."""


@dataclass(frozen=True, slots=True)
class FoundVideo:
    """A video that matched a search, and its score (`domain.search.video_score`)."""

    view: VideoView
    score: float


@dataclass(frozen=True, slots=True)
class FoundUser:
    """A user that matched a search, and its score (`domain.search.USER_SCORE`)."""

    user: User
    score: float


class SearchIndex(Protocol):
    """Searches over published videos and over accounts, ranked, keyset-paged on (score, id)."""

    async def find_videos(
        self,
        terms: SearchTerms,
        viewer_id: UUID | None,
        *,
        after: SearchKey | None,
        limit: int,
    ) -> Sequence[FoundVideo]:
        """Public ready videos listed for the viewer (`visibility.is_listed`) matching `terms`, by
        score descending, then id descending."""
        ...

    async def find_users(
        self, text: str, viewer_id: UUID | None, *, after: SearchKey | None, limit: int
    ) -> Sequence[FoundUser]:
        """Users listed for the viewer (`visibility.account_is_listed`) whose username or display
        name matches `text` (lower-cased, 1..100 characters) exactly, by prefix or by similar
        spelling, by score descending, then id descending."""
        ...
