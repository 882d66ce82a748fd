"""Create a reset token and queue its email (the `auth.prepare_password_reset` job)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.auth.account_emails import AccountEmail, EmailRequest, issue_token, queue_email
from application.ports.clock import Clock
from application.ports.task_queue import Payload
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.email_tokens import EmailTokenPurpose
from domain.values import Email

RESET_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class PreparePasswordResetCommand:
    email: str


class PreparePasswordReset:
    """Send a reset link to the account with this address, if there is one.

    Rules: nothing is sent to an address without an account. At most one reset email a minute per
    account: a request within a minute of the last reset link is dropped silently (the request
    already answered 202, as it does for every address). A new reset token spends the account's
    older ones, in the transaction that queues its email. Running twice within the minute (a job
    run again after a crash) sends one email.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: PreparePasswordResetCommand) -> bool:
        """Whether a reset email was queued."""
        email = Email.parse(command.email)
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get_by_login(email.value)
            if user is None or user.email != email.value:
                return False
            newest = await uow.email_tokens.newest(user.id, EmailTokenPurpose.RESET_PASSWORD)
            if newest is not None and now - newest.created_at < RESET_INTERVAL:
                return False
            await uow.email_tokens.spend_all(user.id, EmailTokenPurpose.RESET_PASSWORD, now)
            token = await issue_token(
                uow, user.id, EmailTokenPurpose.RESET_PASSWORD, user.email, now
            )
            await queue_email(
                uow,
                EmailRequest(
                    kind=AccountEmail.RESET_PASSWORD,
                    to=user.email,
                    username=user.username,
                    token=token,
                ),
            )
            await uow.commit()
        return True

    async def execute_job(self, payload: Payload) -> None:
        await self.execute(PreparePasswordResetCommand(email=str(payload["email"])))
