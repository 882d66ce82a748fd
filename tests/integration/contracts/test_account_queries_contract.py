"""Contract of the read-side account lookups (`AccountQueries`) on memory, SQLite and PostgreSQL.

On PostgreSQL they run on production's read path: the raw psycopg pool of `PostgresSelectRunner`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from uuid import uuid4

import pytest

from adapters.memory.account_queries import MemoryAccountQueries
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.postgres.read_pool import PostgresSelectRunner, create_select_runner
from adapters.sqlalchemy.account_queries import SqlAccountQueries
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from application.ports.account_queries import AccountQueries
from application.ports.unit_of_work import UnitOfWorkFactory
from tests.integration.conftest import _engine_on_empty_tables
from tests.support.builders import T0, make_session, make_user


@dataclass
class Accounts:
    uow: UnitOfWorkFactory
    queries: AccountQueries


@pytest.fixture
async def accounts(storage_url: str | None) -> AsyncIterator[Accounts]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Accounts(lambda: MemoryUnitOfWork(store), MemoryAccountQueries(store))
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    assert isinstance(reader, PostgresSelectRunner) == storage_url.startswith("postgresql")
    try:
        yield Accounts(SqlUnitOfWorkFactory(engine), SqlAccountQueries(engine, reader))
    finally:
        await reader.close()
        await engine.dispose()


async def test_lookups_return_committed_users_and_sessions(accounts: Accounts) -> None:
    alice = make_user("alice")
    session = make_session(alice.id)
    async with accounts.uow() as uow:
        await uow.users.add(alice)
        await uow.sessions.add(session)
        await uow.commit()

    assert await accounts.queries.user(alice.id) == alice
    assert await accounts.queries.user_by_username("alice") == alice
    assert await accounts.queries.user_by_username("alic") is None
    assert await accounts.queries.session(session.id) == session
    assert await accounts.queries.user(uuid4()) is None
    assert await accounts.queries.session(uuid4()) is None


async def test_lookups_see_revocation_and_nothing_uncommitted(accounts: Accounts) -> None:
    alice = make_user("alice")
    session = make_session(alice.id)
    async with accounts.uow() as uow:
        await uow.users.add(alice)
        await uow.sessions.add(session)
        await uow.commit()
    revoked_at = T0 + timedelta(minutes=5)
    async with accounts.uow() as uow:
        await uow.sessions.revoke(session.id, revoked_at)
        await uow.commit()
    assert await accounts.queries.session(session.id) == dataclasses.replace(
        session, revoked_at=revoked_at
    )

    bob = make_user("bob")
    async with accounts.uow() as uow:
        await uow.users.add(bob)  # rolled back: never committed
    assert await accounts.queries.user(bob.id) is None
