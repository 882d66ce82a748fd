"""The safety settings the use cases apply."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SafetyPolicy:
    """`hide_threshold`: distinct users with open reports that hide a video or comment pending
    review (0: never)."""

    hide_threshold: int = 5
