"""Delete the signed-in account."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.common.password_check import PasswordCheck
from application.common.storage_cleanup import StorageCleanup
from application.ports.clock import Clock
from application.ports.deletion_queue import PendingDeletion
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidToken


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteAccountCommand:
    user_id: UUID
    password: str

    def __repr__(self) -> str:
        return f"DeleteAccountCommand(user_id={self.user_id}, password=***)"


class DeleteAccount:
    """Delete the account after re-checking its password.

    Rules: a wrong password is refused (403) and counts towards the login lock-out. The account and
    everything it owns (sessions, videos, and with later features comments, likes and follows) go
    in one transaction; its access and refresh tokens stop working at once. The videos' stored
    files are deleted after the commit (and retried later if storage fails).
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        password_check: PasswordCheck,
        cleanup: StorageCleanup,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._password_check = password_check
        self._cleanup = cleanup
        self._clock = clock

    async def execute(self, command: DeleteAccountCommand) -> None:
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
        if user is None:
            raise InvalidToken()
        await self._password_check.require(user, command.password)
        async with self._uow() as uow:
            stored = await uow.videos.storage_of_owner(command.user_id)
            queued = [PendingDeletion(key, upload_id) for key, upload_id in stored]
            await uow.deletions.enqueue(queued, self._clock.now())
            await uow.users.delete(command.user_id)
            await uow.commit()
        await self._cleanup.attempt(queued)
