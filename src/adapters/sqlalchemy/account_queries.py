"""SQL read-side account and session lookups: one statement each, through the `Reader`."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.reads import EngineReader, Reader
from adapters.sqlalchemy.sessions import session_from_row
from adapters.sqlalchemy.tables import sessions, users
from adapters.sqlalchemy.users import user_from_row
from application.ports.account_queries import AccountQueries
from domain.sessions import Session
from domain.users import User

# Built once, with named parameters (see adapters.sqlalchemy.reads).
_SESSION_BY_ID = select(sessions).where(sessions.c.id == bindparam("session_id", type_=Uuid))
_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id", type_=Uuid))
_USER_BY_USERNAME = select(users).where(
    users.c.username == bindparam("username", type_=users.c.username.type)
)


class SqlAccountQueries(AccountQueries):
    """Sessions and users by id, outside any transaction (no BEGIN/ROLLBACK round trips)."""

    def __init__(self, engine: AsyncEngine, reader: Reader | None = None) -> None:
        self._reader: Reader = reader or EngineReader(engine)

    async def session(self, session_id: UUID) -> Session | None:
        rows = await self._reader.rows(_SESSION_BY_ID, {"session_id": session_id})
        return session_from_row(rows[0]) if rows else None

    async def user(self, user_id: UUID) -> User | None:
        rows = await self._reader.rows(_USER_BY_ID, {"user_id": user_id})
        return user_from_row(rows[0]) if rows else None

    async def user_by_username(self, username: str) -> User | None:
        rows = await self._reader.rows(_USER_BY_USERNAME, {"username": username})
        return user_from_row(rows[0]) if rows else None
