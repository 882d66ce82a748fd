"""Upload an avatar picture."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from uuid import UUID

from application.common.storage_cleanup import StorageCleanup
from application.common.storage_ready import require_usable_storage
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.id_generator import IdGenerator
from application.ports.image_processor import ImageProcessor, ImageTooLarge, ImageTypeUnsupported
from application.ports.object_storage import ObjectStorage
from application.ports.unit_of_work import UnitOfWorkFactory
from application.users.avatar_keys import avatar_key, avatar_keys, avatar_url
from domain.errors import InvalidToken
from domain.media import AVATAR_CONTENT_TYPES, AVATAR_MAX_BYTES, AVATAR_MAX_PIXELS, AVATAR_SIZES
from domain.users import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetAvatarCommand:
    user_id: UUID
    content_type: str
    data: bytes

    def __repr__(self) -> str:
        return f"SetAvatarCommand(user_id={self.user_id}, {len(self.data)} bytes)"


class SetAvatar:
    """Make a picture the account's avatar.

    Rules: a JPEG, PNG or WebP picture (else 415) of at most 5 MiB and 40,000,000 pixels (else 413:
    decompression bombs are refused before they are decoded). It is decoded in a child process
    (not an image, or a truncated one: 422), turned upright, cropped to a centred square, scaled to
    64, 128 and 512 pixels and re-encoded as JPEG: no metadata survives (EXIF, GPS, comments).
    `avatarUrl` becomes `{PUBLIC_URL}/api/v1/users/{id}/avatar?v=…`, `v` new with every picture;
    the previous pictures are deleted. While the storage is not usable: 503, nothing changes.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        storage: ObjectStorage,
        images: ImageProcessor,
        cleanup: StorageCleanup,
        clock: Clock,
        ids: IdGenerator,
        public_url: str,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._images = images
        self._cleanup = cleanup
        self._clock = clock
        self._ids = ids
        self._public_url = public_url

    async def execute(self, command: SetAvatarCommand) -> User:
        content_type = command.content_type.split(";", 1)[0].strip().lower()
        if content_type not in AVATAR_CONTENT_TYPES:
            raise ImageTypeUnsupported(
                f"Send the picture as {', '.join(AVATAR_CONTENT_TYPES)} (not {content_type!r})."
            )
        if len(command.data) > AVATAR_MAX_BYTES:
            raise ImageTooLarge(f"The picture is larger than {AVATAR_MAX_BYTES} bytes.")
        await require_usable_storage(self._storage)
        images = await self._images.avatar(
            command.data, sizes=AVATAR_SIZES, max_pixels=AVATAR_MAX_PIXELS
        )
        version = self._ids.new_id().hex
        new_keys = avatar_keys(command.user_id, version)
        try:
            for size in AVATAR_SIZES:
                await self._storage.put(
                    avatar_key(command.user_id, version, size),
                    images.variants[size],
                    content_type=images.content_type,
                )
            updated, old = await self._switch(command.user_id, version)
        except BaseException:
            await self._forget(new_keys)
            raise
        await self._cleanup.attempt(old)
        return updated

    async def _switch(self, user_id: UUID, version: str) -> tuple[User, list[PendingDeletion]]:
        """Point the account at the new pictures; the old ones are queued for deletion."""
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None:
                raise InvalidToken()
            old = (
                [PendingDeletion(key) for key in avatar_keys(user_id, user.avatar_version)]
                if user.avatar_version
                else []
            )
            updated = dataclasses.replace(
                user,
                avatar_url=avatar_url(self._public_url, user_id, version),
                avatar_version=version,
                updated_at=now,
            )
            await uow.users.update(updated)
            await uow.deletions.enqueue(old, now)
            await uow.commit()
        return updated, old

    async def _forget(self, keys: list[str]) -> None:
        """Queue the new pictures for deletion when they never became the avatar."""
        queued = [PendingDeletion(key) for key in keys]
        try:
            async with self._uow() as uow:
                await uow.deletions.enqueue(queued, self._clock.now())
                await uow.commit()
        except Exception:  # the original error matters more; the objects stay orphaned
            logger.warning("could not queue the deletion of unused avatar images", exc_info=True)
            return
        await self._cleanup.attempt(queued)
