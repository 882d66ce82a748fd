"""Watch signals: how long a signed-in viewer watched a video, whether to the end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

MAX_WATCHED_MS = 86_400_000
"""The longest watch time a client may report (24 h, loops included)."""
SKIP_MS = 2_000
"""A watch shorter than this (and not completed) is a skip."""
WATCH_RETENTION = timedelta(days=30)
"""Watch signals older than this are forgotten."""


@dataclass(frozen=True, slots=True)
class Watch:
    """The latest watch of a video by a viewer (one per viewer and video): when, how long in
    milliseconds (None: not reported) and whether they watched to the end (None: not reported)."""

    user_id: UUID
    video_id: UUID
    watched_at: datetime
    watched_ms: int | None
    completed: bool | None

    @property
    def is_skip(self) -> bool:
        """Watched under 2 s and not to the end."""
        return not self.completed and self.watched_ms is not None and self.watched_ms < SKIP_MS


def saw_enough(
    watched_ms: int | None, completed: bool | None, duration_seconds: float | None
) -> bool:
    """Whether a watch saw the video: to the end, or at least half of its duration."""
    if completed:
        return True
    if watched_ms is None or duration_seconds is None:
        return False
    return watched_ms >= duration_seconds * 500


def watched_enough(watch: Watch, duration_seconds: float | None) -> bool:
    """`saw_enough` of a stored watch."""
    return saw_enough(watch.watched_ms, watch.completed, duration_seconds)


def view_hour(at: datetime) -> datetime:
    """The hour a counted view falls in (trending counts views by hour)."""
    return at.replace(minute=0, second=0, microsecond=0)
