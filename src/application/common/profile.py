"""The read model of a profile: an account as others see it (users, search and other features list them)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.users import User


@dataclass(frozen=True, slots=True)
class Profile:
    """An account plus whether the viewer follows it, and blocks it (None for anonymous
    viewers)."""

    user: User
    is_following: bool | None
    is_blocking: bool | None = None
