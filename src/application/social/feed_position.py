"""Where a For You walk is (what its cursor carries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

RANKED, OLDER, PINNED = 0, 1, 2
"""The phases of a walk: the ranked week, the older videos, the pinned personalised head."""


@dataclass(frozen=True, slots=True)
class ForYouPosition:
    """Where a For You walk is: its snapshot time, and the last item of the ranked part (phase 0:
    `score`, `video_id`) or of the older part (phase 1: `published_at`, `video_id`; nothing yet
    when both are None); in the pinned personalised head (phase 2), the walk's id, the page and
    the offset in it, and where the ranked part resumes after the head (`score`, `video_id`;
    None: at the older part)."""

    snapshot: datetime
    phase: int
    score: float | None = None
    published_at: datetime | None = None
    video_id: UUID | None = None
    walk_id: UUID | None = None
    page: int = 0
    offset: int = 0
