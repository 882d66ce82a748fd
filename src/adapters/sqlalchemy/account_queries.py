"""SQL read-side account and session lookups: one statement each, through the `SelectRunner`."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.read_statements import (
    CALLER_BY_SESSION,
    SESSION_BY_ID,
    USER_BY_ID,
    USER_BY_USERNAME,
    account_view,
    viewer_params,
)
from adapters.sqlalchemy.select_runner import EngineSelectRunner, SelectRunner
from adapters.sqlalchemy.sessions import session_from_row
from adapters.sqlalchemy.users import user_from_row
from adapters.sqlalchemy.video_queries import block_from_row
from application.ports.account_queries import AccountQueries, AccountView, Caller
from domain.moderation import Role
from domain.sessions import Session
from domain.users import User


class SqlAccountQueries(AccountQueries):
    """Sessions and users by id, outside any transaction (no BEGIN/ROLLBACK round trips)."""

    def __init__(self, engine: AsyncEngine, runner: SelectRunner | None = None) -> None:
        self._runner: SelectRunner = runner or EngineSelectRunner(engine)

    async def session(self, session_id: UUID) -> Session | None:
        rows = await self._runner.rows(SESSION_BY_ID, {"session_id": session_id})
        return session_from_row(rows[0]) if rows else None

    async def user(self, user_id: UUID) -> User | None:
        rows = await self._runner.rows(USER_BY_ID, {"user_id": user_id})
        return user_from_row(rows[0]) if rows else None

    async def user_by_username(self, username: str) -> User | None:
        rows = await self._runner.rows(USER_BY_USERNAME, {"username": username})
        return user_from_row(rows[0]) if rows else None

    async def account(
        self, user_id: UUID | None, username: str | None, viewer_id: UUID | None
    ) -> AccountView | None:
        by_username = user_id is None
        key: dict[str, object] = {"username": username} if by_username else {"user_id": user_id}
        rows = await self._runner.rows(
            account_view(by_username, viewer_id is not None), {**key, **viewer_params(viewer_id)}
        )
        if not rows:
            return None
        return AccountView(user=user_from_row(rows[0]), block=block_from_row(rows[0]))

    async def caller(self, session_id: UUID) -> Caller | None:
        rows = await self._runner.rows(CALLER_BY_SESSION, {"session_id": session_id})
        if not rows:
            return None
        return Caller(session=session_from_row(rows[0]), role=Role(rows[0].role))
