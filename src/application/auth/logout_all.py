"""Log out of every session."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class LogoutAllCommand:
    user_id: UUID


class LogoutAll:
    """Revoke every session of the caller: all refresh tokens and access tokens stop working."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: LogoutAllCommand) -> None:
        async with self._uow() as uow:
            await uow.sessions.revoke_all_for_user(command.user_id, self._clock.now())
            await uow.commit()
