"""Register a new account."""

from __future__ import annotations

from dataclasses import dataclass

from application.auth.account_emails import AccountEmail, EmailRequest, issue_token, queue_email
from application.auth.results import IssuedTokens
from application.auth.session_tokens import SessionTokens
from application.common.validation import ErrorCollector
from application.ports.clock import Clock
from application.ports.id_generator import IdGenerator
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.email_tokens import EmailTokenPurpose
from domain.errors import EmailTaken, UsernameTaken
from domain.users import User
from domain.values import Email, Password, Username, parse_display_name


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterCommand:
    username: str
    email: str
    password: str
    display_name: str | None = None


class Register:
    """Create an account and sign it in.

    Rules: the username (3..30 of `[a-z0-9_.]`, lower-cased) and the email (lower-cased) are unique,
    case-insensitively; the password has 8..256 characters, all significant; the display name has at
    most 50. Every invalid field is reported at once. A taken username or email is a conflict. The new
    account starts a session: the response carries its first access and refresh tokens. Its address
    starts unverified; the first verification email is queued in the same transaction.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        session_tokens: SessionTokens,
        clock: Clock,
        ids: IdGenerator,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._session_tokens = session_tokens
        self._clock = clock
        self._ids = ids

    async def execute(self, command: RegisterCommand) -> IssuedTokens:
        check = ErrorCollector()
        username = check.parse(lambda: Username.parse(command.username))
        email = check.parse(lambda: Email.parse(command.email))
        password = check.parse(lambda: Password.parse(command.password))
        display_name = check.parse(lambda: parse_display_name(command.display_name))
        check.raise_if_any()

        async with self._uow() as uow:  # cheap check first: don't spend a bcrypt hash on a clash
            if await uow.users.get_by_username(username.value) is not None:
                raise UsernameTaken()
            if await uow.users.get_by_login(email.value) is not None:
                raise EmailTaken()

        password_hash = await self._hasher.hash(password.value)
        now = self._clock.now()
        user = User(
            id=self._ids.new_id(),
            username=username.value,
            email=email.value,
            password_hash=password_hash,
            display_name=display_name,
            bio=None,
            avatar_url=None,
            created_at=now,
            updated_at=now,
        )
        async with self._uow() as uow:
            await uow.users.add(user)  # raises UsernameTaken/EmailTaken if a racing request won
            issued = await self._session_tokens.start_session(uow, user)
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
        return issued
