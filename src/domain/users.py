"""The account entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.moderation import Role


@dataclass(frozen=True, slots=True)
class User:
    """A registered account.

    The counters are denormalised and kept exact by the use cases that change what they count
    (follows, videos, likes), in the same transaction.
    """

    id: UUID
    username: str
    email: str
    password_hash: str
    display_name: str | None
    bio: str | None
    avatar_url: str | None
    created_at: datetime
    updated_at: datetime
    follower_count: int = 0
    following_count: int = 0
    video_count: int = 0
    like_count: int = 0
    avatar_version: str | None = None  # set while `avatar_url` is an avatar uploaded here
    role: Role = Role.USER  # changed only through `UserRepository.set_role`
    suspended_at: datetime | None = None  # set while suspended (`UserRepository.set_suspended`)

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None
