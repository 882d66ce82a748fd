"""The "For You" ranking: engagement with exponential time decay, as a rank that can be stored."""

from __future__ import annotations

import math
from datetime import datetime

VIEW_POINTS = 1
LIKE_POINTS = 3
COMMENT_POINTS = 5
HALF_LIFE_HOURS = 12.0
# The decay of one second of age, in the natural logarithm of the score.
DECAY_PER_SECOND = math.log(2.0) / (HALF_LIFE_HOURS * 3600.0)

FORMULA = (
    "score = (1 + points) * 2 ^ (-age_hours / 12): engagement halves in worth every 12 hours of "
    "age, where `points` adds 1 per counted view, 3 per like and 5 per comment or reply ever "
    "recorded (unlikes and deletions do not subtract, so a video's score never falls during a "
    "walk). Equal scores are ordered by video id, newest first. Videos are ordered by "
    "rank = ln(1 + points) + published_at_epoch_seconds * ln(2) / 43200, which orders them "
    "exactly as the score does at any moment, so it is stored and indexed."
)


def engagement_points(*, views: int = 0, likes: int = 0, comments: int = 0) -> int:
    """The points `views` counted views, `likes` likes and `comments` comments or replies earn."""
    return VIEW_POINTS * views + LIKE_POINTS * likes + COMMENT_POINTS * comments


def rank(points: int, published_at: datetime) -> float:
    """The stored For You rank of a video (see `FORMULA`): higher ranks first."""
    return math.log(1 + points) + published_at.timestamp() * DECAY_PER_SECOND
