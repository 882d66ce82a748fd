"""Ask for a password-reset link."""

from __future__ import annotations

from dataclasses import dataclass

from application.jobs.catalog import PREPARE_PASSWORD_RESET
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.values import Email


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgotPasswordCommand:
    email: str


class ForgotPassword:
    """Queue the preparation of a reset link for an address; answer the same whatever it is.

    Rules: the request only queues a job (`PreparePasswordReset`), for an address with an account
    or without one, so neither the answer nor its timing says whether an account has it (no
    lookup, no password hash on this path). An invalid address is refused (422) before that, the
    same for everyone. Requests for one address while its job waits are one job.
    """

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, command: ForgotPasswordCommand) -> None:
        email = Email.parse(command.email)
        async with self._uow() as uow:
            await uow.tasks.defer(
                PREPARE_PASSWORD_RESET, {"email": email.value}, dedupe_key=email.value
            )
            await uow.commit()
