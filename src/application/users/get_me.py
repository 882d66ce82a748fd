"""Read the signed-in account."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidToken
from domain.users import User


@dataclass(frozen=True, slots=True, kw_only=True)
class GetMeQuery:
    user_id: UUID


class GetMe:
    """The caller's own account, with its email address."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def execute(self, query: GetMeQuery) -> User:
        async with self._uow() as uow:
            user = await uow.users.get(query.user_id)
        if user is None:  # deleted between authentication and now
            raise InvalidToken()
        return user
