"""Log in with a username or email and a password."""

from __future__ import annotations

from dataclasses import dataclass

from application.auth.results import IssuedTokens
from application.auth.session_tokens import SessionTokens
from application.common.password_check import lockout_key
from application.ports.login_attempt_store import LoginAttemptStore
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidCredentials, TooManyAttempts
from domain.moderation import AccountSuspended
from domain.values import could_be_login, normalize_username


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginCommand:
    login: str
    password: str

    def __repr__(self) -> str:
        return f"LoginCommand(login={self.login!r}, password=***)"


class Login:
    """Start a session for an account whose username or email and password match.

    Rules: the login is matched case-insensitively against usernames and emails. An unknown login and
    a wrong password answer identically and cost the same (one password-hash check either way).
    After 10 failures for one account within 15 minutes, every attempt (a correct password included)
    is refused with "too many attempts" until the lock-out ends; a success clears the failures.
    A suspended account is refused (403 `account-suspended`) once the password matched.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        attempts: LoginAttemptStore,
        session_tokens: SessionTokens,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._attempts = attempts
        self._session_tokens = session_tokens

    async def execute(self, command: LoginCommand) -> IssuedTokens:
        login = normalize_username(command.login)
        user = None
        if could_be_login(login):  # anything else names no account (and may not reach the store)
            async with self._uow() as uow:
                user = await uow.users.get_by_login(login)
        key = lockout_key(str(user.id) if user else login)
        if retry_after := await self._attempts.locked_for(key):
            raise TooManyAttempts(retry_after)

        if user is None:
            await self._hasher.burn(command.password)
        if user is None or not await self._hasher.verify(command.password, user.password_hash):
            await self._attempts.record_failure(key)
            raise InvalidCredentials()

        await self._attempts.reset(key)
        if user.is_suspended:  # told only to whoever knows the password
            raise AccountSuspended()
        async with self._uow() as uow:
            issued = await self._session_tokens.start_session(uow, user)
            await uow.commit()
        return issued
