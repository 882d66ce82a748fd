"""Change the password of the signed-in account."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from uuid import UUID

from application.auth.account_emails import AccountEmail, EmailRequest, queue_email
from application.common.password_check import PasswordCheck
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidToken
from domain.values import Password


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangePasswordCommand:
    user_id: UUID
    session_id: UUID
    current_password: str
    new_password: str

    def __repr__(self) -> str:
        return f"ChangePasswordCommand(user_id={self.user_id}, passwords=***)"


class ChangePassword:
    """Replace the password after re-checking the current one.

    Rules: the new password follows the password policy (8..256 characters). A wrong current password
    is refused (403) and counts towards the login lock-out. Every other session of the account is
    revoked (their refresh and access tokens stop working); the calling session stays signed in.
    A "your password was changed" notice goes to the account's address.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        password_check: PasswordCheck,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._password_check = password_check
        self._clock = clock

    async def execute(self, command: ChangePasswordCommand) -> None:
        new_password = Password.parse(command.new_password, field="newPassword")
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
        if user is None:
            raise InvalidToken()
        await self._password_check.require(user, command.current_password)
        new_hash = await self._hasher.hash(new_password.value)
        now = self._clock.now()
        async with self._uow() as uow:
            current = await uow.users.get(command.user_id)
            if current is None:
                raise InvalidToken()
            await uow.users.update(
                dataclasses.replace(current, password_hash=new_hash, updated_at=now)
            )
            await uow.sessions.revoke_all_for_user(command.user_id, now, keep=command.session_id)
            await queue_email(
                uow,
                EmailRequest(
                    kind=AccountEmail.PASSWORD_CHANGED, to=current.email, username=current.username
                ),
            )
            await uow.commit()
