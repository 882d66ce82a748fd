"""Follows between accounts."""

from __future__ import annotations

from uuid import UUID

from domain.errors import ValidationFailed


def check_follow(follower_id: UUID, followee_id: UUID) -> None:
    """Nobody follows themselves."""
    if follower_id == followee_id:
        raise ValidationFailed.single("userId", "you cannot follow yourself")
