"""Edit the signed-in account's profile."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from uuid import UUID

from application.common.patch import KEEP, Keep
from application.common.storage_cleanup import StorageCleanup
from application.common.validation import ErrorCollector
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.unit_of_work import UnitOfWorkFactory
from application.users.avatar_keys import avatar_keys
from domain.errors import InvalidToken
from domain.users import User
from domain.values import parse_avatar_url, parse_bio, parse_display_name


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateProfileCommand:
    user_id: UUID
    display_name: str | Keep | None = KEEP
    bio: str | Keep | None = KEEP
    avatar_url: str | Keep | None = KEEP


class UpdateProfile:
    """Change the display name (<= 50), bio (<= 500) or avatar URL (absolute http(s), <= 2048).

    Rules: only the fields sent change; `null` or a blank string clears a field. Every invalid field
    is reported at once and nothing is changed then. A new `avatarUrl` (or `null`) replaces an
    avatar uploaded here, whose pictures are deleted.
    """

    def __init__(self, uow: UnitOfWorkFactory, cleanup: StorageCleanup, clock: Clock) -> None:
        self._uow = uow
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, command: UpdateProfileCommand) -> User:
        check = ErrorCollector()
        changes: dict[str, str | None] = {}
        if not isinstance(command.display_name, Keep):
            changes["display_name"] = check.parse(lambda: parse_display_name(command.display_name))  # type: ignore[arg-type]
        if not isinstance(command.bio, Keep):
            changes["bio"] = check.parse(lambda: parse_bio(command.bio))  # type: ignore[arg-type]
        if not isinstance(command.avatar_url, Keep):
            changes["avatar_url"] = check.parse(lambda: parse_avatar_url(command.avatar_url))  # type: ignore[arg-type]
        check.raise_if_any()

        now = self._clock.now()
        queued: list[PendingDeletion] = []
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
            if user is None:
                raise InvalidToken()
            if not changes:
                return user
            updated = dataclasses.replace(user, **changes, updated_at=now)  # type: ignore[arg-type]
            replaced = "avatar_url" in changes and changes["avatar_url"] != user.avatar_url
            if replaced and user.avatar_version is not None:
                queued = [PendingDeletion(key) for key in avatar_keys(user.id, user.avatar_version)]
                updated = dataclasses.replace(updated, avatar_version=None)
            await uow.users.update(updated)
            await uow.deletions.enqueue(queued, now)
            await uow.commit()
        await self._cleanup.attempt(queued)
        return updated
