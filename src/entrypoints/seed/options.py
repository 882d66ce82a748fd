"""What a seed run is asked to create, and what it reports."""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.errors import ValidationFailed
from domain.values import Password

DEMO_PASSWORD = "password123"  # noqa: S105 - the documented password of every demo user


class SeedError(Exception):
    """Seeding cannot start or failed; the message says why and what to do."""


class SeedInterrupted(SeedError):
    """A signal stopped the run; the message says what was undone (or how to undo the rest)."""

    def __init__(self, message: str, *, signal_name: str) -> None:
        super().__init__(message)
        self.signal_name = signal_name


@dataclass(frozen=True, slots=True, kw_only=True)
class SeedOptions:
    """What to create: counts are totals, `videos_per_user` an average."""

    users: int = 200
    videos_per_user: float = 3.0
    likes: int = 5000
    comments: int = 1500
    follows: int = 1500
    seed: int = 42
    password: str = DEMO_PASSWORD
    append: bool = False
    media: bool = True  # process the sample once and give videos its outputs, users avatars

    @property
    def videos(self) -> int:
        return round(self.users * self.videos_per_user)

    def check(self) -> None:
        """Raise `SeedError` naming the first option out of range."""
        if self.users < 1:
            raise SeedError("--users must be at least 1")
        if not 0 <= self.videos_per_user <= 1000 or math.isnan(self.videos_per_user):
            raise SeedError("--videos-per-user must be between 0 and 1000")
        for name, value in (
            ("likes", self.likes),
            ("comments", self.comments),
            ("follows", self.follows),
        ):
            if value < 0:
                raise SeedError(f"--{name} must not be negative")
        try:
            Password.parse(self.password)
        except ValidationFailed as error:
            raise SeedError(f"--password {error.errors[0].message}") from error


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What a seed run created (rows as inserted) and how long each phase took."""

    users: int
    videos: int
    public_videos: int
    hashtags: int
    follows: int
    video_likes: int
    comments: int
    replies: int
    comment_likes: int
    views: int
    demo_username: str
    password: str
    seconds: float  # the whole run (the video bytes are stored while the rows load)
    phases: tuple[tuple[str, float], ...]

    def summary(self) -> list[str]:
        """What was created, the time it took, and the demo login (the phases aside)."""
        return [
            f"Seeded {self.users:,} users, {self.videos:,} videos ({self.public_videos:,} public), "
            f"{self.follows:,} follows, {self.video_likes:,} video likes, "
            f"{self.comments:,} comments (of which {self.replies:,} replies), "
            f"{self.comment_likes:,} comment likes, {self.views:,} views in {self.seconds:.1f} s.",
            f"Log in as {self.demo_username} / {self.password} "
            "(every seeded user has this password).",
        ]
