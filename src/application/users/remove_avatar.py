"""Remove the avatar."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from uuid import UUID

from application.common.storage_cleanup import StorageCleanup
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.unit_of_work import UnitOfWorkFactory
from application.users.avatar_keys import avatar_keys
from domain.errors import InvalidToken


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveAvatarCommand:
    user_id: UUID


class RemoveAvatar:
    """`avatarUrl` becomes null and the uploaded pictures, if any, are deleted (idempotent)."""

    def __init__(self, uow: UnitOfWorkFactory, cleanup: StorageCleanup, clock: Clock) -> None:
        self._uow = uow
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, command: RemoveAvatarCommand) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
            if user is None:
                raise InvalidToken()
            if user.avatar_url is None and user.avatar_version is None:
                return
            queued = (
                [PendingDeletion(key) for key in avatar_keys(user.id, user.avatar_version)]
                if user.avatar_version
                else []
            )
            await uow.users.update(
                dataclasses.replace(user, avatar_url=None, avatar_version=None, updated_at=now)
            )
            await uow.deletions.enqueue(queued, now)
            await uow.commit()
        await self._cleanup.attempt(queued)
