"""(Re)send the verification email of the signed-in account."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.auth.account_emails import AccountEmail, EmailRequest, issue_token, queue_email
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.email_tokens import EmailTokenPurpose
from domain.errors import InvalidToken, TooManyAttempts

RESEND_INTERVAL = timedelta(minutes=1)
VERIFY = EmailTokenPurpose.VERIFY_EMAIL


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestVerificationCommand:
    user_id: UUID


class RequestVerificationEmail:
    """Send a new verification link to the account's address (accepted: the email is queued).

    Rules: at most one request a minute per account ("too many requests", with the seconds to
    wait); the email sent at registration does not count. An address already verified gets a link too (verifying it again changes nothing).
    Earlier links keep working until they expire (24 h).
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: RequestVerificationCommand) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
            if user is None:
                raise InvalidToken()
            since = now - RESEND_INTERVAL
            recent = await uow.email_tokens.count_since(user.id, VERIFY, since)
            if user.created_at > since:
                recent -= 1  # the registration's email is free
            newest = await uow.email_tokens.newest(user.id, VERIFY)
            if recent > 0 and newest is not None:
                wait = newest.created_at + RESEND_INTERVAL - now
                raise TooManyAttempts(
                    max(1, math.ceil(wait.total_seconds())), "verification emails requested"
                )
            token = await issue_token(uow, user.id, EmailTokenPurpose.VERIFY_EMAIL, user.email, now)
            await queue_email(
                uow,
                EmailRequest(
                    kind=AccountEmail.VERIFY_EMAIL,
                    to=user.email,
                    username=user.username,
                    token=token,
                ),
            )
            await uow.commit()
