"""Log out of one session."""

from __future__ import annotations

from dataclasses import dataclass

from application.auth.session_tokens import hash_refresh_token
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True, slots=True, kw_only=True)
class LogoutCommand:
    refresh_token: str

    def __repr__(self) -> str:
        return "LogoutCommand(refresh_token=***)"


class Logout:
    """Revoke the session of a refresh token: its refresh and access tokens stop working.

    Rules: idempotent. An unknown, spent or already revoked token is accepted silently, so logging
    out never fails and reveals nothing about the token.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: LogoutCommand) -> None:
        async with self._uow() as uow:
            token = await uow.sessions.get_token(hash_refresh_token(command.refresh_token))
            if token is not None:
                await uow.sessions.revoke(token.session_id, self._clock.now())
                await uow.commit()
