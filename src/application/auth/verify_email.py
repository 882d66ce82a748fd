"""Confirm an address with the token of a verification or email-change link."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from application.auth.account_emails import MAX_TOKEN_LENGTH, hash_email_token
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.email_tokens import EmailTokenPurpose
from domain.errors import EmailTaken, ValidationFailed
from domain.users import User

_ADDRESS_TOKENS = (EmailTokenPurpose.VERIFY_EMAIL, EmailTokenPurpose.CHANGE_EMAIL)


def invalid_email_token() -> ValidationFailed:
    return ValidationFailed.single("token", "is unknown, already used or expired")


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyEmailCommand:
    token: str

    def __repr__(self) -> str:
        return "VerifyEmailCommand(token=***)"


class VerifyEmail:
    """Spend a verification or email-change token; the account's address is then verified.

    Rules: a token is single-use and lives 24 h; an unknown, spent or expired token, a token of
    another kind (a reset token), or a verification token of an address the account no longer has,
    is invalid (422). An email-change token makes its new address the account's, verified, unless
    another account has taken that address meanwhile (409: a pending change reserves nothing; the
    token then stays usable). Other pending email-change links of the account are spent with it.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def execute(self, command: VerifyEmailCommand) -> User:
        if not 0 < len(command.token) <= MAX_TOKEN_LENGTH:
            raise invalid_email_token()
        token_hash = hash_email_token(command.token)
        now = self._clock.now()
        async with self._uow() as uow:
            found = await uow.email_tokens.get(token_hash)
            if found is None or found.purpose not in _ADDRESS_TOKENS or not found.is_usable(now):
                raise invalid_email_token()
            user = await uow.users.get(found.user_id)
            if user is None:
                raise invalid_email_token()
            if found.purpose is EmailTokenPurpose.VERIFY_EMAIL and found.email != user.email:
                raise invalid_email_token()  # the address changed since the link was sent
            if found.purpose is EmailTokenPurpose.CHANGE_EMAIL and found.email != user.email:
                holder = await uow.users.get_by_login(found.email)
                if holder is not None and holder.id != user.id:
                    raise EmailTaken()
            if await uow.email_tokens.spend(token_hash, now) is None:
                raise invalid_email_token()  # a concurrent request spent it first
            if found.purpose is EmailTokenPurpose.CHANGE_EMAIL:
                await uow.email_tokens.spend_all(user.id, EmailTokenPurpose.CHANGE_EMAIL, now)
            verified = dataclasses.replace(
                user, email=found.email, email_verified=True, updated_at=now
            )
            if verified != dataclasses.replace(user, updated_at=now):
                await uow.users.update(verified)  # raises EmailTaken if a racing change won
            else:
                verified = user
            await uow.commit()
        return verified
