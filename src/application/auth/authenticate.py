"""Authenticate a request's bearer access token."""

from __future__ import annotations

from application.auth.results import Principal
from application.ports.account_queries import AccountQueries
from application.ports.clock import Clock
from application.ports.token_service import TokenService
from domain.errors import InvalidToken


class Authenticate:
    """Accept a valid, unexpired access token whose session is still active.

    Rules: the signature, issuer, audience, type and expiry are checked; then the token's session
    must exist, belong to the token's user and not be revoked, so logout, logout-all, password
    change, account deletion and suspension end earlier access tokens at once. The account's role
    is read with the session (the same round trip), so a role change applies at the next request.
    """

    def __init__(self, accounts: AccountQueries, tokens: TokenService, clock: Clock) -> None:
        self._accounts = accounts
        self._tokens = tokens
        self._clock = clock

    async def execute(self, access_token: str) -> Principal:
        now = self._clock.now()
        claims = self._tokens.verify_access_token(access_token, now)
        caller = await self._accounts.caller(claims.session_id)
        if (
            caller is None
            or caller.session.user_id != claims.user_id
            or not caller.session.is_active(now)
        ):
            raise InvalidToken()
        return Principal(user_id=claims.user_id, session_id=claims.session_id, role=caller.role)
