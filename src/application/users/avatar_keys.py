"""Where a user's avatar images are stored: under the user's own prefix, one key per size."""

from __future__ import annotations

from uuid import UUID

from domain.media import AVATAR_SIZES


def user_prefix(user_id: UUID) -> str:
    """The folder of every object a user owns outside their videos (their avatar images)."""
    return f"users/{user_id}/"


def avatar_key(user_id: UUID, version: str, size: int) -> str:
    return f"{user_prefix(user_id)}avatar-{version}-{size}.jpg"


def avatar_keys(user_id: UUID, version: str) -> list[str]:
    """Every size of one avatar."""
    return [avatar_key(user_id, version, size) for size in AVATAR_SIZES]


def avatar_url(public_url: str, user_id: UUID, version: str) -> str:
    """The avatar's URL: `v` changes with every new image, so caches never serve an old one."""
    return f"{public_url.rstrip('/')}/api/v1/users/{user_id}/avatar?v={version}"
