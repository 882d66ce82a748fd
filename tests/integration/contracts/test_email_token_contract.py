"""One contract suite for the email-token repository, run on every adapter (memory, SQLite,
PostgreSQL): tokens are single-use, useless once expired, spent together per purpose, and gone
with their account."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.email_tokens import EmailToken, EmailTokenPurpose
from domain.users import User
from tests.integration.contracts.test_repository_contract import add_users
from tests.support.builders import T0, make_user

VERIFY = EmailTokenPurpose.VERIFY_EMAIL
RESET = EmailTokenPurpose.RESET_PASSWORD


def token(
    user: User, name: str, purpose: EmailTokenPurpose = RESET, *, at: timedelta = timedelta(0)
) -> EmailToken:
    return EmailToken(
        token_hash=name.ljust(64, "0"),
        user_id=user.id,
        purpose=purpose,
        email=user.email,
        created_at=T0 + at,
        expires_at=T0 + at + timedelta(hours=1),
    )


async def add_tokens(uow_factory: UnitOfWorkFactory, *tokens: EmailToken) -> None:
    async with uow_factory() as uow:
        for each in tokens:
            await uow.email_tokens.add(each)
        await uow.commit()


async def get(uow_factory: UnitOfWorkFactory, token_hash: str) -> EmailToken | None:
    async with uow_factory() as uow:
        return await uow.email_tokens.get(token_hash)


async def test_a_token_reads_back_as_stored(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    stored = token(ana, "a", VERIFY)
    await add_tokens(uow_factory, stored)
    assert await get(uow_factory, stored.token_hash) == stored
    assert await get(uow_factory, "b".ljust(64, "0")) is None


async def test_a_token_is_spent_once(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    stored = token(ana, "a")
    await add_tokens(uow_factory, stored)
    now = T0 + timedelta(minutes=5)
    async with uow_factory() as uow:
        assert await uow.email_tokens.spend(stored.token_hash, now) == stored
        assert await uow.email_tokens.spend(stored.token_hash, now) is None
        await uow.commit()
    spent = await get(uow_factory, stored.token_hash)
    assert spent is not None
    assert spent.spent_at == now


async def test_an_expired_or_unknown_token_is_not_spent(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    stored = token(ana, "a")
    await add_tokens(uow_factory, stored)
    async with uow_factory() as uow:
        assert await uow.email_tokens.spend(stored.token_hash, stored.expires_at) is None
        assert await uow.email_tokens.spend("f".ljust(64, "0"), T0) is None
        await uow.commit()
    unspent = await get(uow_factory, stored.token_hash)
    assert unspent is not None
    assert unspent.spent_at is None


async def test_a_rolled_back_spend_leaves_the_token_usable(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    stored = token(ana, "a")
    await add_tokens(uow_factory, stored)
    async with uow_factory() as uow:
        assert await uow.email_tokens.spend(stored.token_hash, T0) is not None
    async with uow_factory() as uow:
        assert await uow.email_tokens.spend(stored.token_hash, T0) is not None


async def test_of_two_concurrent_spends_one_wins(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    stored = token(ana, "a")
    await add_tokens(uow_factory, stored)

    async def spend() -> bool:
        async with uow_factory() as uow:
            spent = await uow.email_tokens.spend(stored.token_hash, T0)
            await uow.commit()
            return spent is not None

    assert sorted(await asyncio.gather(spend(), spend())) == [False, True]


async def test_spend_all_spends_one_purpose_of_one_user(uow_factory: UnitOfWorkFactory) -> None:
    ana, bo = make_user("ana"), make_user("bo_")
    await add_users(uow_factory, ana, bo)
    await add_tokens(
        uow_factory,
        token(ana, "a1"),
        token(ana, "a2", at=timedelta(seconds=1)),
        token(ana, "a3", VERIFY),
        token(bo, "b1"),
    )
    async with uow_factory() as uow:
        assert await uow.email_tokens.spend_all(ana.id, RESET, T0) == 2
        assert await uow.email_tokens.spend_all(ana.id, RESET, T0) == 0
        await uow.commit()
    spent = {
        name: (await get(uow_factory, name.ljust(64, "0"))) for name in ("a1", "a2", "a3", "b1")
    }
    assert {name: t is not None and t.spent_at is not None for name, t in spent.items()} == {
        "a1": True,
        "a2": True,
        "a3": False,
        "b1": False,
    }


async def test_newest_is_the_latest_token_of_a_purpose(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    older, newer = token(ana, "a1"), token(ana, "a2", at=timedelta(seconds=30))
    await add_tokens(uow_factory, newer, older, token(ana, "a3", VERIFY, at=timedelta(hours=1)))
    async with uow_factory() as uow:
        assert await uow.email_tokens.newest(ana.id, RESET) == newer
        assert await uow.email_tokens.newest(ana.id, EmailTokenPurpose.CHANGE_EMAIL) is None


async def test_forget_ended_deletes_expired_tokens_in_bounded_batches(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    await add_tokens(
        uow_factory,
        *(token(ana, f"old{i}") for i in range(3)),
        token(ana, "new", at=timedelta(days=1)),
    )
    before = T0 + timedelta(hours=2)
    async with uow_factory() as uow:
        assert await uow.email_tokens.forget_ended(before, 2) == 2
        assert await uow.email_tokens.forget_ended(before, 2) == 1
        assert await uow.email_tokens.forget_ended(before, 2) == 0
        await uow.commit()
    assert await get(uow_factory, "new".ljust(64, "0")) is not None


async def test_tokens_go_with_their_account(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    await add_tokens(uow_factory, token(ana, "a"))
    async with uow_factory() as uow:
        await uow.users.delete(ana.id)
        await uow.commit()
    assert await get(uow_factory, "a".ljust(64, "0")) is None


async def test_the_verified_flag_of_an_account_is_stored(uow_factory: UnitOfWorkFactory) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    async with uow_factory() as uow:
        stored = await uow.users.get(ana.id)
        assert stored is not None
        assert stored.email_verified is False
        await uow.users.update(make_user("ana", id=ana.id, email_verified=True))
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.users.get(UUID(str(ana.id)))
        assert again is not None
        assert again.email_verified is True


async def test_count_since_counts_a_purpose_from_a_moment_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    ana = make_user("ana")
    await add_users(uow_factory, ana)
    await add_tokens(
        uow_factory,
        token(ana, "v1", VERIFY),
        token(ana, "v2", VERIFY, at=timedelta(seconds=30)),
        token(ana, "v3", VERIFY, at=timedelta(seconds=60)),
        token(ana, "r1", at=timedelta(seconds=60)),
    )
    async with uow_factory() as uow:
        assert await uow.email_tokens.count_since(ana.id, VERIFY, T0 - timedelta(seconds=1)) == 3
        assert await uow.email_tokens.count_since(ana.id, VERIFY, T0) == 2  # strictly after
        assert await uow.email_tokens.count_since(ana.id, VERIFY, T0 + timedelta(seconds=30)) == 1
        assert await uow.email_tokens.count_since(ana.id, VERIFY, T0 + timedelta(minutes=2)) == 0
        assert await uow.email_tokens.count_since(ana.id, RESET, T0) == 1
        assert await uow.email_tokens.count_since(ana.id, RESET, T0 + timedelta(minutes=1)) == 0
