"""SQL session and refresh-token repository (SQLAlchemy Core)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CursorResult, Row, delete, insert, select, union, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables import refresh_tokens, sessions
from application.ports.session_repository import SessionRepository
from domain.sessions import RefreshToken, Session


class SqlSessionRepository(SessionRepository):
    """Sessions and hashed refresh tokens in the `sessions` and `refresh_tokens` tables."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, session: Session) -> None:
        await self._connection.execute(
            insert(sessions).values(
                id=session.id,
                user_id=session.user_id,
                created_at=session.created_at,
                expires_at=session.expires_at,
                revoked_at=session.revoked_at,
            )
        )

    async def get(self, session_id: UUID) -> Session | None:
        row = (
            await self._connection.execute(select(sessions).where(sessions.c.id == session_id))
        ).first()
        return None if row is None else session_from_row(row)

    async def revoke(self, session_id: UUID, now: datetime) -> None:
        await self._connection.execute(
            update(sessions)
            .where(sessions.c.id == session_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_all_for_user(
        self, user_id: UUID, now: datetime, *, keep: UUID | None = None
    ) -> None:
        statement = update(sessions).where(
            sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)
        )
        if keep is not None:
            statement = statement.where(sessions.c.id != keep)
        await self._connection.execute(statement.values(revoked_at=now))

    async def add_token(self, token: RefreshToken) -> None:
        await self._connection.execute(
            insert(refresh_tokens).values(
                token_hash=token.token_hash,
                session_id=token.session_id,
                created_at=token.created_at,
                expires_at=token.expires_at,
                spent_at=token.spent_at,
            )
        )

    async def get_token(self, token_hash: str) -> RefreshToken | None:
        row = (
            await self._connection.execute(
                select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
            )
        ).first()
        return None if row is None else _to_token(row)

    async def spend_token(self, token_hash: str, now: datetime) -> bool:
        # One conditional UPDATE: of two concurrent transactions, the second waits for the first's
        # row lock, then re-checks `spent_at IS NULL` and updates nothing.
        result: CursorResult[Any] = await self._connection.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.token_hash == token_hash, refresh_tokens.c.spent_at.is_(None))
            .values(spent_at=now)
        )
        return result.rowcount == 1

    async def forget_ended(self, before: datetime, limit: int) -> int:
        # Each through its index (expires_at; revoked_at where set): a bounded batch, however
        # large the tables. A session's tokens go with it (ON DELETE CASCADE).
        expired_sessions = (
            select(sessions.c.id).where(sessions.c.expires_at < before).limit(limit).subquery()
        )
        revoked = (
            select(sessions.c.id)
            .where(sessions.c.revoked_at.is_not(None), sessions.c.revoked_at < before)
            .limit(limit)
            .subquery()
        )
        ended = union(select(expired_sessions.c.id), select(revoked.c.id)).subquery()
        gone: CursorResult[Any] = await self._connection.execute(
            delete(sessions).where(
                sessions.c.id.in_(select(ended.c.id).limit(limit).scalar_subquery())
            )
        )
        expired = (
            select(refresh_tokens.c.token_hash)
            .where(refresh_tokens.c.expires_at < before)
            .limit(limit)
            .scalar_subquery()
        )
        tokens: CursorResult[Any] = await self._connection.execute(
            delete(refresh_tokens).where(refresh_tokens.c.token_hash.in_(expired))
        )
        return gone.rowcount + tokens.rowcount


def session_from_row(row: Row[Any]) -> Session:
    return Session(
        id=row.id,
        user_id=row.user_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )


def _to_token(row: Row[Any]) -> RefreshToken:
    return RefreshToken(
        token_hash=row.token_hash,
        session_id=row.session_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        spent_at=row.spent_at,
    )
