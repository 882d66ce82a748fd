"""SQL idempotency-key store (SQLAlchemy Core), shared by every process of the service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, Row, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.errors import database_errors
from adapters.sqlalchemy.statements import insert_ignoring_conflicts
from adapters.sqlalchemy.tables import idempotency_keys
from application.ports.idempotency_store import IdempotencyRecord, IdempotencyStore, StoredResponse

# A claim re-reads a row that a concurrent `release` deleted at most this often before giving up.
_CLAIM_ROUNDS = 5


class SqlIdempotencyStore(IdempotencyStore):
    """Records in the `idempotency_keys` table; each call is its own short transaction.

    Claims are atomic across processes: the primary key (scope, key) lets exactly one concurrent
    INSERT of a new key succeed, and a stale claim is taken over by a conditional UPDATE that only
    one of several concurrent claims can win.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(
        self, scope: str, key: str, fingerprint: str, now: datetime, *, stale_before: datetime
    ) -> IdempotencyRecord | None:
        with database_errors():
            async with self._engine.begin() as connection:
                for _ in range(_CLAIM_ROUNDS):
                    if await self._insert(connection, scope, key, fingerprint, now):
                        return None
                    if await self._take_over_stale(
                        connection, scope, key, fingerprint, now, stale_before
                    ):
                        return None
                    row = (
                        await connection.execute(
                            select(idempotency_keys).where(
                                idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
                            )
                        )
                    ).first()
                    if row is not None:
                        return _record(row)
                    # Released since the INSERT failed (PostgreSQL reads committed rows per statement):
                    # the key is free again, try to claim it once more.
        raise RuntimeError(f"could not claim idempotency key {key!r} in scope {scope!r}")

    async def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        with database_errors():
            async with self._engine.begin() as connection:
                await connection.execute(
                    update(idempotency_keys)
                    .where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
                    .values(status_code=response.status_code, body=response.body)
                )

    async def release(self, scope: str, key: str) -> None:
        with database_errors():
            async with self._engine.begin() as connection:
                await connection.execute(
                    delete(idempotency_keys).where(
                        idempotency_keys.c.scope == scope, idempotency_keys.c.key == key
                    )
                )

    async def purge(self, older_than: datetime) -> int:
        with database_errors():
            async with self._engine.begin() as connection:
                result: CursorResult[Any] = await connection.execute(
                    delete(idempotency_keys).where(idempotency_keys.c.created_at < older_than)
                )
        return result.rowcount

    @staticmethod
    async def _insert(
        connection: AsyncConnection, scope: str, key: str, fingerprint: str, now: datetime
    ) -> bool:
        """Insert a new claim; False when the key exists (PostgreSQL waits for an uncommitted one)."""
        # RETURNING says whether the row went in (an INSERT's rowcount is not always reported).
        inserted = await connection.execute(
            insert_ignoring_conflicts(connection.dialect.name, idempotency_keys)
            .values(scope=scope, key=key, fingerprint=fingerprint, created_at=now)
            .returning(idempotency_keys.c.created_at)
        )
        return inserted.first() is not None

    @staticmethod
    async def _take_over_stale(
        connection: AsyncConnection,
        scope: str,
        key: str,
        fingerprint: str,
        now: datetime,
        stale_before: datetime,
    ) -> bool:
        """Replace a claim that never got a response and is older than `stale_before`.

        Of concurrent takeovers, the first locks the row and renews `created_at`; the others
        re-check the condition on the renewed row and update nothing.
        """
        result: CursorResult[Any] = await connection.execute(
            update(idempotency_keys)
            .where(
                idempotency_keys.c.scope == scope,
                idempotency_keys.c.key == key,
                idempotency_keys.c.status_code.is_(None),
                idempotency_keys.c.created_at < stale_before,
            )
            .values(fingerprint=fingerprint, created_at=now, body=None)
        )
        return result.rowcount == 1


def _record(row: Row[Any]) -> IdempotencyRecord:
    response = (
        None
        if row.status_code is None
        else StoredResponse(status_code=row.status_code, body=bytes(row.body or b""))
    )
    return IdempotencyRecord(
        fingerprint=row.fingerprint, created_at=row.created_at, response=response
    )
