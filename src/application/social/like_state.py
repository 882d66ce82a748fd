"""The answer of a like or unlike."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LikeState:
    """Whether the caller now likes the target, and its like count."""

    liked: bool
    like_count: int
