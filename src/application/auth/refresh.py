"""Exchange a refresh token for new tokens."""

from __future__ import annotations

from dataclasses import dataclass

from application.auth.results import IssuedTokens
from application.auth.session_tokens import SessionTokens, hash_refresh_token
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidToken
from domain.moderation import AccountSuspended


@dataclass(frozen=True, slots=True, kw_only=True)
class RefreshCommand:
    refresh_token: str

    def __repr__(self) -> str:
        return "RefreshCommand(refresh_token=***)"


class RefreshTokens:
    """Rotate a refresh token: the presented one is spent, a new one (and access token) is issued.

    Rules: refresh tokens are single-use. Presenting a spent token means it leaked (or a client
    replayed it): the whole session is revoked and the answer is 401. Of several concurrent
    refreshes with the same token exactly one succeeds. Expired or revoked sessions are refused;
    a suspended account's refresh is 403 (`account-suspended`).
    """

    def __init__(self, uow: UnitOfWorkFactory, session_tokens: SessionTokens, clock: Clock) -> None:
        self._uow = uow
        self._session_tokens = session_tokens
        self._clock = clock

    async def execute(self, command: RefreshCommand) -> IssuedTokens:
        token_hash = hash_refresh_token(command.refresh_token)
        now = self._clock.now()
        async with self._uow() as uow:
            token = await uow.sessions.get_token(token_hash)
            if token is None:
                raise InvalidToken()
            session = await uow.sessions.get(token.session_id)
            user = await uow.users.get(session.user_id) if session is not None else None
            if user is not None and user.is_suspended:
                raise AccountSuspended()
            if session is None or not session.is_active(now) or now >= token.expires_at:
                raise InvalidToken()
            if user is None:
                raise InvalidToken()
            if token.spent_at is not None or not await uow.sessions.spend_token(token_hash, now):
                await uow.sessions.revoke(session.id, now)
                await uow.commit()
                raise InvalidToken("This refresh token was already used; the session is revoked.")
            issued = await self._session_tokens.rotate(uow, user, session.id, now)
            await uow.commit()
        return issued
