"""Read the signed-in account."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.account_queries import AccountQueries
from domain.errors import InvalidToken
from domain.users import User


@dataclass(frozen=True, slots=True, kw_only=True)
class GetMeQuery:
    user_id: UUID


class GetMe:
    """The caller's own account, with its email address."""

    def __init__(self, accounts: AccountQueries) -> None:
        self._accounts = accounts

    async def execute(self, query: GetMeQuery) -> User:
        user = await self._accounts.user(query.user_id)
        if user is None:  # deleted between authentication and now
            raise InvalidToken()
        return user
