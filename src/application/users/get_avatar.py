"""A user's avatar picture."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.object_reads import small_object
from application.ports.account_queries import AccountQueries
from application.ports.object_storage import ObjectStorage
from application.users.avatar_keys import avatar_key
from domain.errors import NotFound, ValidationFailed
from domain.media import AVATAR_SIZES

AVATAR_TYPE = "image/jpeg"
_MAX_AVATAR_FILE = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class GetAvatarQuery:
    user_id: UUID
    size: int = max(AVATAR_SIZES)


@dataclass(frozen=True, slots=True)
class AvatarImage:
    """The picture's bytes, its type, and a tag naming exactly this picture at this size."""

    data: bytes
    content_type: str
    etag: str


class GetAvatar:
    """The avatar picture uploaded here, at 64, 128 or 512 pixels (default 512); 404 for a user
    without one (an avatar hosted elsewhere is at its own URL)."""

    def __init__(self, accounts: AccountQueries, storage: ObjectStorage) -> None:
        self._accounts = accounts
        self._storage = storage

    async def execute(self, query: GetAvatarQuery) -> AvatarImage:
        if query.size not in AVATAR_SIZES:
            raise ValidationFailed.single(
                "size", f"must be one of {', '.join(map(str, AVATAR_SIZES))}"
            )
        user = await self._accounts.user(query.user_id)
        if user is None:
            raise NotFound("No such user.")
        if user.avatar_version is None:
            raise NotFound("The user has no avatar uploaded here.")
        key = avatar_key(user.id, user.avatar_version, query.size)
        data = await small_object(self._storage, key, _MAX_AVATAR_FILE)
        return AvatarImage(data, AVATAR_TYPE, f'"{user.avatar_version}-{query.size}"')
