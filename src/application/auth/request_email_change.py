"""Ask to change the signed-in account's email address."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.auth.account_emails import AccountEmail, EmailRequest, issue_token, queue_email
from application.common.password_check import PasswordCheck
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.email_tokens import EmailTokenPurpose
from domain.errors import EmailTaken, Forbidden, InvalidCredentials, InvalidToken
from domain.values import Email


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestEmailChangeCommand:
    user_id: UUID
    email: str
    password: str

    def __repr__(self) -> str:
        return f"RequestEmailChangeCommand(user_id={self.user_id}, password=***)"


class RequestEmailChange:
    """Send a confirmation link to a new address and a notice to the current one.

    Rules: the password is checked again (wrong: 401, counted towards the login lock-out); the new
    address is valid and not another account's (409; checked again at confirmation, since a
    pending change reserves nothing). The address changes only when the link sent to it is
    followed (`VerifyEmail`, within 24 h); until then the account keeps its address. The
    current address gets a "your email is being changed" notice naming the new one.
    """

    def __init__(self, uow: UnitOfWorkFactory, password_check: PasswordCheck, clock: Clock) -> None:
        self._uow = uow
        self._password_check = password_check
        self._clock = clock

    async def execute(self, command: RequestEmailChangeCommand) -> None:
        email = Email.parse(command.email)
        async with self._uow() as uow:
            user = await uow.users.get(command.user_id)
        if user is None:
            raise InvalidToken()
        try:
            await self._password_check.require(user, command.password)
        except Forbidden:
            raise InvalidCredentials() from None
        now = self._clock.now()
        async with self._uow() as uow:
            holder = await uow.users.get_by_login(email.value)
            if holder is not None:
                raise EmailTaken()  # the account's own address included: nothing to change
            token = await issue_token(
                uow, user.id, EmailTokenPurpose.CHANGE_EMAIL, email.value, now
            )
            await queue_email(
                uow,
                EmailRequest(
                    kind=AccountEmail.CONFIRM_EMAIL_CHANGE,
                    to=email.value,
                    username=user.username,
                    token=token,
                ),
            )
            await queue_email(
                uow,
                EmailRequest(
                    kind=AccountEmail.EMAIL_CHANGING,
                    to=user.email,
                    username=user.username,
                    new_email=email.value,
                ),
            )
            await uow.commit()
