"""Choose a new password with the token of a reset link."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from application.auth.account_emails import (
    MAX_TOKEN_LENGTH,
    AccountEmail,
    EmailRequest,
    hash_email_token,
    queue_email,
)
from application.auth.verify_email import invalid_email_token
from application.common.password_check import lockout_key
from application.ports.clock import Clock
from application.ports.login_attempt_store import LoginAttemptStore
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.email_tokens import EmailTokenPurpose
from domain.values import Password


@dataclass(frozen=True, slots=True, kw_only=True)
class ResetPasswordCommand:
    token: str
    new_password: str

    def __repr__(self) -> str:
        return "ResetPasswordCommand(token=***, new_password=***)"


class ResetPassword:
    """Replace a forgotten password.

    Rules: the token is a reset token, unspent and less than an hour old (else 422), and is spent
    by the change (a link sent to an address the account no longer has is invalid too); the new
    password follows the password policy. Every session of the account is
    revoked (their refresh and access tokens stop working), any other reset link is spent, a login
    lock-out of the account ends, and a "your password was changed" notice goes to the address.
    Following the link proves the address: it becomes verified.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        attempts: LoginAttemptStore,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._attempts = attempts
        self._clock = clock

    async def execute(self, command: ResetPasswordCommand) -> None:
        new_password = Password.parse(command.new_password, field="newPassword")
        if not 0 < len(command.token) <= MAX_TOKEN_LENGTH:
            raise invalid_email_token()
        token_hash = hash_email_token(command.token)
        async with self._uow() as uow:  # no password hash for a token that cannot work
            found = await uow.email_tokens.get(token_hash)
        now = self._clock.now()
        if (
            found is None
            or found.purpose is not EmailTokenPurpose.RESET_PASSWORD
            or not found.is_usable(now)
        ):
            raise invalid_email_token()
        new_hash = await self._hasher.hash(new_password.value)
        now = self._clock.now()
        async with self._uow() as uow:
            spent = await uow.email_tokens.spend(token_hash, now)
            user = None if spent is None else await uow.users.get(spent.user_id)
            if spent is None or user is None or user.email != spent.email:
                raise invalid_email_token()
            await uow.users.update(
                dataclasses.replace(
                    user,
                    password_hash=new_hash,
                    email_verified=True,
                    updated_at=now,
                )
            )
            await uow.sessions.revoke_all_for_user(user.id, now)
            await uow.email_tokens.spend_all(user.id, EmailTokenPurpose.RESET_PASSWORD, now)
            await queue_email(
                uow,
                EmailRequest(
                    kind=AccountEmail.PASSWORD_CHANGED, to=user.email, username=user.username
                ),
            )
            await uow.commit()
        await self._attempts.reset(lockout_key(str(user.id)))
