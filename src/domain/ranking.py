"""The "For You" ranking: engagement with time decay."""

from __future__ import annotations

from datetime import datetime

VIEW_POINTS = 1
LIKE_POINTS = 3
COMMENT_POINTS = 5
GRAVITY = 1.5
HOURS_OFFSET = 2.0

FORMULA = (
    "score = (1 + points) / (hours + 2) ^ 1.5, where `hours` is the time from publication to the "
    "start of the walk (the first page) and `points` adds 1 per counted view, 3 per like and 5 per "
    "comment or reply ever recorded (unlikes and deletions do not subtract, so a video's score "
    "never falls during a walk). The decay is in hours: among videos of the same day, engagement "
    "wins over minutes of recency."
)


def hotness(points: int, published_at: datetime, snapshot: datetime) -> float:
    """The For You score of a video at `snapshot` (see `FORMULA`)."""
    hours = max(0.0, (snapshot - published_at).total_seconds() / 3600.0)
    return float((1 + points) / (hours + HOURS_OFFSET) ** GRAVITY)
