"""SQL email-token repository (SQLAlchemy Core)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CursorResult, Row, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables import email_tokens
from application.ports.email_token_repository import EmailTokenRepository
from domain.email_tokens import EmailToken, EmailTokenPurpose


class SqlEmailTokenRepository(EmailTokenRepository):
    """Hashed email tokens in the `email_tokens` table, on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add(self, token: EmailToken) -> None:
        await self._connection.execute(
            insert(email_tokens).values(
                token_hash=token.token_hash,
                user_id=token.user_id,
                purpose=str(token.purpose),
                email=token.email,
                created_at=token.created_at,
                expires_at=token.expires_at,
                spent_at=token.spent_at,
            )
        )

    async def get(self, token_hash: str) -> EmailToken | None:
        row = (
            await self._connection.execute(
                select(email_tokens).where(email_tokens.c.token_hash == token_hash)
            )
        ).first()
        return None if row is None else _to_token(row)

    async def spend(self, token_hash: str, now: datetime) -> EmailToken | None:
        # A conditional UPDATE decides: of two concurrent transactions, the second waits for the
        # first's row lock, then re-checks `spent_at IS NULL` and updates nothing.
        found = await self.get(token_hash)
        if found is None:
            return None
        result: CursorResult[Any] = await self._connection.execute(
            update(email_tokens)
            .where(
                email_tokens.c.token_hash == token_hash,
                email_tokens.c.spent_at.is_(None),
                email_tokens.c.expires_at > now,
            )
            .values(spent_at=now)
        )
        return found if result.rowcount == 1 else None

    async def spend_all(self, user_id: UUID, purpose: EmailTokenPurpose, now: datetime) -> int:
        result: CursorResult[Any] = await self._connection.execute(
            update(email_tokens)
            .where(
                email_tokens.c.user_id == user_id,
                email_tokens.c.purpose == str(purpose),
                email_tokens.c.spent_at.is_(None),
            )
            .values(spent_at=now)
        )
        return result.rowcount

    async def newest(self, user_id: UUID, purpose: EmailTokenPurpose) -> EmailToken | None:
        row = (
            await self._connection.execute(
                select(email_tokens)
                .where(email_tokens.c.user_id == user_id, email_tokens.c.purpose == str(purpose))
                .order_by(email_tokens.c.created_at.desc())
                .limit(1)
            )
        ).first()
        return None if row is None else _to_token(row)

    async def count_since(self, user_id: UUID, purpose: EmailTokenPurpose, since: datetime) -> int:
        count = await self._connection.scalar(
            select(func.count()).where(
                email_tokens.c.user_id == user_id,
                email_tokens.c.purpose == str(purpose),
                email_tokens.c.created_at > since,
            )
        )
        return int(count or 0)

    async def forget_ended(self, before: datetime, limit: int) -> int:
        expired = (
            select(email_tokens.c.token_hash)
            .where(email_tokens.c.expires_at < before)
            .limit(limit)
            .scalar_subquery()
        )
        result: CursorResult[Any] = await self._connection.execute(
            delete(email_tokens).where(email_tokens.c.token_hash.in_(expired))
        )
        return result.rowcount


def _to_token(row: Row[Any]) -> EmailToken:
    return EmailToken(
        token_hash=row.token_hash,
        user_id=row.user_id,
        purpose=EmailTokenPurpose(row.purpose),
        email=row.email,
        created_at=row.created_at,
        expires_at=row.expires_at,
        spent_at=row.spent_at,
    )
