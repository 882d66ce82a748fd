"""One contract suite for the account and session repositories and the unit of work, run on every
adapter (memory, SQLite, PostgreSQL): moving off in-memory storage must keep behaviour.

The SQL-only and PostgreSQL-only checks at the end cover what the memory adapter cannot have
(schema defaults, driver settings, row locks).
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.probe import DatabaseProbe
from adapters.sqlalchemy.schema_check import DatabaseNotUsable, SchemaRevisions, schema_revisions
from adapters.sqlalchemy.tables import users as users_table
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.errors import EmailTaken, UsernameTaken
from domain.sessions import RefreshToken, Session
from domain.users import User
from tests.support.builders import T0, make_session, make_token, make_user
from tests.support.waiting import until_waiting_on_locks


async def add_users(uow_factory: UnitOfWorkFactory, *users: User) -> None:
    async with uow_factory() as uow:
        for user in users:
            await uow.users.add(user)
        await uow.commit()


async def add_session_with_token(
    uow_factory: UnitOfWorkFactory, user: User, **session_changes: object
) -> tuple[Session, RefreshToken]:
    session = make_session(user.id, **session_changes)
    token = make_token(session.id)
    async with uow_factory() as uow:
        await uow.sessions.add(session)
        await uow.sessions.add_token(token)
        await uow.commit()
    return session, token


async def usernames_for(
    uow_factory: UnitOfWorkFactory, prefix: str, *, after: str | None = None, limit: int = 100
) -> list[str]:
    async with uow_factory() as uow:
        found = await uow.users.search_by_username_prefix(
            prefix, viewer_id=None, after=after, limit=limit
        )
    return [user.username for user in found]


# --- users ------------------------------------------------------------------------------------


async def test_added_user_is_found_by_id_username_and_login(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user(
        "alice",
        display_name="Alice",
        bio="Hi",
        avatar_url="https://x.test/a.png",
        follower_count=1,
        following_count=2,
        video_count=3,
        like_count=4,
    )
    await add_users(uow_factory, alice, make_user("bob"))

    async with uow_factory() as uow:
        assert await uow.users.get(alice.id) == alice
        assert await uow.users.get_by_username("alice") == alice
        assert await uow.users.get_by_login("alice") == alice
        assert await uow.users.get_by_login("alice@example.com") == alice


async def test_lookups_of_unknown_users_return_none(uow_factory: UnitOfWorkFactory) -> None:
    await add_users(uow_factory, make_user("alice"))

    async with uow_factory() as uow:
        assert await uow.users.get(uuid4()) is None
        assert await uow.users.get_by_username("alicia") is None
        assert await uow.users.get_by_username("alice@example.com") is None  # not by email
        assert await uow.users.get_by_login("nobody@example.com") is None
        assert await uow.users.get_by_login("Alice") is None  # lookups take normalised input


async def test_adding_a_taken_username_raises_username_taken(
    uow_factory: UnitOfWorkFactory,
) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)

    async with uow_factory() as uow:
        with pytest.raises(UsernameTaken):
            await uow.users.add(make_user("alice", email="other@example.com"))
        # The unit of work stays usable after the clash (a savepoint on PostgreSQL).
        await uow.users.add(make_user("carol"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get_by_username("alice") == alice
        assert await uow.users.get_by_login("other@example.com") is None
        assert await uow.users.get_by_username("carol") is not None


async def test_adding_a_taken_email_raises_email_taken(uow_factory: UnitOfWorkFactory) -> None:
    await add_users(uow_factory, make_user("alice"))

    async with uow_factory() as uow:
        with pytest.raises(EmailTaken):
            await uow.users.add(make_user("alicia", email="alice@example.com"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get_by_username("alicia") is None


async def test_updating_to_a_taken_username_or_email_raises_and_changes_nothing(
    uow_factory: UnitOfWorkFactory,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    await add_users(uow_factory, alice, bob)

    async with uow_factory() as uow:
        with pytest.raises(UsernameTaken):
            await uow.users.update(dataclasses.replace(bob, username="alice"))
        with pytest.raises(EmailTaken):
            await uow.users.update(dataclasses.replace(bob, email="alice@example.com"))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(bob.id) == bob
        assert await uow.users.get(alice.id) == alice


async def test_update_persists_every_changed_field(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    changed = dataclasses.replace(
        alice,
        username="alice2",
        email="alice2@example.com",
        password_hash="new-hash",
        display_name="Alice Two",
        bio="A bio",
        avatar_url="https://cdn.test/alice.png",
        updated_at=T0 + timedelta(hours=1, microseconds=7),
    )

    async with uow_factory() as uow:
        await uow.users.update(changed)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(alice.id) == changed
        assert await uow.users.get_by_username("alice") is None
        assert await uow.users.get_by_login("alice2@example.com") == changed
    # ... and clearing the optional fields persists too.
    cleared = dataclasses.replace(changed, display_name=None, bio=None, avatar_url=None)
    async with uow_factory() as uow:
        await uow.users.update(cleared)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.users.get(alice.id) == cleared


async def test_add_to_counters_adds_deltas_to_the_stored_counts(
    uow_factory: UnitOfWorkFactory, storage_url: str | None, request: pytest.FixtureRequest
) -> None:
    alice = make_user("alice", follower_count=10, following_count=20, video_count=30, like_count=40)
    bob = make_user("bob")
    await add_users(uow_factory, alice, bob)

    async with uow_factory() as uow:
        await uow.users.add_to_counters(alice.id, followers=1, following=-2, videos=3, likes=-4)
        await uow.users.add_to_counters(alice.id, followers=1)
        await uow.users.add_to_counters(alice.id)  # no deltas: nothing to do
        await uow.users.add_to_counters(uuid4(), likes=1)  # unknown: no error
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(alice.id) == dataclasses.replace(
            alice, follower_count=12, following_count=18, video_count=33, like_count=36
        )
        assert await uow.users.get(bob.id) == bob


async def test_update_leaves_the_counters_to_add_to_counters(
    uow_factory: UnitOfWorkFactory, storage_url: str | None, request: pytest.FixtureRequest
) -> None:
    # A `User` read before a concurrent follow must not overwrite the new follower count.
    alice = make_user("alice", follower_count=1)
    await add_users(uow_factory, alice)
    async with uow_factory() as uow:
        await uow.users.add_to_counters(alice.id, followers=1)
        await uow.users.update(dataclasses.replace(alice, bio="stale counters", like_count=99))
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.users.get(alice.id)
    assert stored == dataclasses.replace(alice, bio="stale counters", follower_count=2)


async def test_update_of_an_unknown_user_does_nothing(uow_factory: UnitOfWorkFactory) -> None:
    ghost = make_user("ghost")
    async with uow_factory() as uow:
        await uow.users.update(ghost)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(ghost.id) is None


async def test_timestamps_round_trip_timezone_aware_with_microseconds(
    uow_factory: UnitOfWorkFactory,
) -> None:
    created = datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)
    updated = datetime(2026, 1, 2, 3, 4, 6, 1, tzinfo=UTC)
    alice = make_user("alice", created_at=created, updated_at=updated)
    await add_users(uow_factory, alice)
    session, token = await add_session_with_token(
        uow_factory, alice, created_at=created, expires_at=updated
    )

    async with uow_factory() as uow:
        stored_user = await uow.users.get(alice.id)
        stored_session = await uow.sessions.get(session.id)
        stored_token = await uow.sessions.get_token(token.token_hash)
    assert stored_user is not None
    assert stored_session is not None
    assert stored_token is not None
    for value, expected in [
        (stored_user.created_at, created),
        (stored_user.updated_at, updated),
        (stored_session.created_at, created),
        (stored_session.expires_at, updated),
        (stored_token.created_at, T0),
    ]:
        assert value == expected
        assert value.utcoffset() == timedelta(0)
        assert value.microsecond == expected.microsecond


async def test_delete_removes_the_user_with_its_sessions_and_tokens(
    uow_factory: UnitOfWorkFactory,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    await add_users(uow_factory, alice, bob)
    alice_sessions = [await add_session_with_token(uow_factory, alice) for _ in range(2)]
    bob_session, bob_token = await add_session_with_token(uow_factory, bob)

    async with uow_factory() as uow:
        await uow.users.delete(alice.id)
        await uow.users.delete(uuid4())  # unknown: no error
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(alice.id) is None
        assert await uow.users.get_by_login("alice@example.com") is None
        for session, token in alice_sessions:
            assert await uow.sessions.get(session.id) is None
            assert await uow.sessions.get_token(token.token_hash) is None
        assert await uow.users.get(bob.id) == bob
        assert await uow.sessions.get(bob_session.id) == bob_session
        assert await uow.sessions.get_token(bob_token.token_hash) == bob_token


async def test_a_deleted_username_and_email_can_be_taken_again(
    uow_factory: UnitOfWorkFactory,
) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    async with uow_factory() as uow:
        await uow.users.delete(alice.id)
        await uow.users.add(make_user("alice"))
        await uow.commit()

    async with uow_factory() as uow:
        again = await uow.users.get_by_username("alice")
    assert again is not None
    assert again.id != alice.id


# --- prefix search ------------------------------------------------------------------------------


async def test_prefix_search_returns_matches_in_username_order(
    uow_factory: UnitOfWorkFactory,
) -> None:
    names = ["bobcat", "alice", "bob", "bobby", "bob.x", "bo_b", "rebob", "ab", "a_c"]
    await add_users(uow_factory, *(make_user(name) for name in names))

    # Code-point order, as Python sorts ("." < "_" < letters): on PostgreSQL this needs the "C"
    # collation; a linguistic one would ignore the punctuation.
    assert await usernames_for(uow_factory, "bob") == ["bob", "bob.x", "bobby", "bobcat"]
    assert await usernames_for(uow_factory, "a") == ["a_c", "ab", "alice"]
    assert await usernames_for(uow_factory, "") == sorted(names)
    assert await usernames_for(uow_factory, "zed") == []


async def test_prefix_search_pages_by_keyset_after_and_limit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await add_users(
        uow_factory, *(make_user(name) for name in ["bobcat", "bob", "bobby", "bob.x", "carl"])
    )

    assert await usernames_for(uow_factory, "bob", limit=2) == ["bob", "bob.x"]
    assert await usernames_for(uow_factory, "bob", after="bob.x", limit=2) == ["bobby", "bobcat"]
    assert await usernames_for(uow_factory, "bob", after="bobcat", limit=2) == []
    # `after` need not be an existing username.
    assert await usernames_for(uow_factory, "bob", after="bobb", limit=10) == ["bobby", "bobcat"]
    assert await usernames_for(uow_factory, "", after="bobcat", limit=10) == ["carl"]


async def test_prefix_search_treats_like_wildcards_literally(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await add_users(uow_factory, *(make_user(name) for name in ["a_b1", "axb2", "a.b3", "abc"]))

    assert await usernames_for(uow_factory, "a_") == ["a_b1"]
    assert await usernames_for(uow_factory, "a_b") == ["a_b1"]
    assert await usernames_for(uow_factory, "a%") == []
    assert await usernames_for(uow_factory, "%") == []
    assert await usernames_for(uow_factory, "_") == []
    assert await usernames_for(uow_factory, "a\\") == []
    assert await usernames_for(uow_factory, "a\\_") == []


async def test_prefix_search_is_case_sensitive(uow_factory: UnitOfWorkFactory) -> None:
    # Usernames are stored lower-cased and the use case lower-cases the prefix; the adapters
    # themselves compare exactly (SQLite's LIKE would otherwise ignore ASCII case).
    await add_users(uow_factory, make_user("bob"))

    assert await usernames_for(uow_factory, "BO") == []
    assert await usernames_for(uow_factory, "bo") == ["bob"]


# --- sessions and refresh tokens ------------------------------------------------------------------


async def test_added_session_is_found_and_unknown_is_none(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    session, _ = await add_session_with_token(uow_factory, alice)

    async with uow_factory() as uow:
        assert await uow.sessions.get(session.id) == session
        assert await uow.sessions.get(uuid4()) is None


async def test_revoke_sets_revoked_at_once(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    session, _ = await add_session_with_token(uow_factory, alice)
    first, later = T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)

    async with uow_factory() as uow:
        await uow.sessions.revoke(session.id, first)
        await uow.sessions.revoke(session.id, later)  # idempotent: keeps the first time
        await uow.sessions.revoke(uuid4(), later)  # unknown: no error
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.sessions.get(session.id)
    assert stored == dataclasses.replace(session, revoked_at=first)
    assert not stored.is_active(first)


async def test_revoke_all_for_user_keeps_the_kept_session_and_other_users(
    uow_factory: UnitOfWorkFactory,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    await add_users(uow_factory, alice, bob)
    earlier, now = T0 + timedelta(minutes=1), T0 + timedelta(minutes=5)
    one, _ = await add_session_with_token(uow_factory, alice)
    kept, _ = await add_session_with_token(uow_factory, alice)
    already, _ = await add_session_with_token(uow_factory, alice, revoked_at=earlier)
    bobs, _ = await add_session_with_token(uow_factory, bob)

    async with uow_factory() as uow:
        await uow.sessions.revoke_all_for_user(alice.id, now, keep=kept.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.sessions.get(one.id) == dataclasses.replace(one, revoked_at=now)
        assert await uow.sessions.get(kept.id) == kept
        assert await uow.sessions.get(already.id) == already  # keeps its own revocation time
        assert await uow.sessions.get(bobs.id) == bobs

    async with uow_factory() as uow:
        await uow.sessions.revoke_all_for_user(alice.id, now + timedelta(seconds=1))
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.sessions.get(kept.id)
        assert stored == dataclasses.replace(kept, revoked_at=now + timedelta(seconds=1))
        assert await uow.sessions.get(bobs.id) == bobs


async def test_refresh_token_is_found_and_spent_only_once(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    _, token = await add_session_with_token(uow_factory, alice)
    spent_at, again_at = T0 + timedelta(minutes=1), T0 + timedelta(minutes=2)

    async with uow_factory() as uow:
        assert await uow.sessions.get_token(token.token_hash) == token
        assert await uow.sessions.get_token("0" * 64) is None
        assert await uow.sessions.spend_token(token.token_hash, spent_at) is True
        assert await uow.sessions.spend_token(token.token_hash, again_at) is False
        assert await uow.sessions.spend_token("0" * 64, again_at) is False
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.sessions.get_token(token.token_hash) == dataclasses.replace(
            token, spent_at=spent_at
        )
        assert await uow.sessions.spend_token(token.token_hash, again_at) is False


async def test_concurrent_units_of_work_spend_a_token_once(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    _, token = await add_session_with_token(uow_factory, alice)

    async def spend() -> bool:
        async with uow_factory() as uow:
            spent = await uow.sessions.spend_token(token.token_hash, T0)
            await asyncio.sleep(0.01)
            await uow.commit()
            return spent

    results = await asyncio.gather(*(spend() for _ in range(4)))
    assert sorted(results) == [False, False, False, True]


async def test_concurrent_read_then_write_units_of_work_all_succeed(
    uow_factory: UnitOfWorkFactory,
) -> None:
    # Read first, then write: with deferred transactions SQLite would fail some of these with
    # "database is locked" instead of queueing them.
    async def register(name: str) -> None:
        async with uow_factory() as uow:
            assert await uow.users.get_by_username(name) is None
            await asyncio.sleep(0.01)
            await uow.users.add(make_user(name))
            await uow.commit()

    names = [f"user{i}" for i in range(5)]
    await asyncio.gather(*(register(name) for name in names))
    assert await usernames_for(uow_factory, "user") == names


async def test_forget_ended_deletes_ended_sessions_and_expired_tokens_only(
    uow_factory: UnitOfWorkFactory,
) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    before = T0 + timedelta(days=10)
    live, live_token = await add_session_with_token(uow_factory, alice)
    expired, expired_token = await add_session_with_token(
        uow_factory, alice, expires_at=T0 + timedelta(days=5)
    )
    revoked, revoked_token = await add_session_with_token(
        uow_factory, alice, revoked_at=T0 + timedelta(days=1)
    )
    revoked_lately, _ = await add_session_with_token(
        uow_factory, alice, revoked_at=T0 + timedelta(days=20)
    )
    old_token = dataclasses.replace(make_token(live.id), expires_at=T0 + timedelta(days=2))
    newer_token = dataclasses.replace(make_token(live.id), expires_at=T0 + timedelta(days=15))
    async with uow_factory() as uow:
        await uow.sessions.add_token(old_token)
        await uow.sessions.add_token(newer_token)
        await uow.commit()

    forgotten = 0
    for _ in range(5):  # one session and one token a round
        async with uow_factory() as uow:
            forgotten += await uow.sessions.forget_ended(before, limit=1)
            await uow.commit()

    assert forgotten == 3  # two sessions (their tokens go with them) and one expired token
    async with uow_factory() as uow:
        for gone in (expired, revoked):
            assert await uow.sessions.get(gone.id) is None
        for token in (expired_token, revoked_token, old_token):
            assert await uow.sessions.get_token(token.token_hash) is None
        assert await uow.sessions.get(live.id) == live
        assert await uow.sessions.get(revoked_lately.id) == revoked_lately
        assert await uow.sessions.get_token(live_token.token_hash) == live_token
        assert await uow.sessions.get_token(newer_token.token_hash) == newer_token


# --- unit of work ---------------------------------------------------------------------------------


async def test_commit_persists(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")
    async with uow_factory() as uow:
        await uow.users.add(alice)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(alice.id) == alice


async def test_exit_without_commit_rolls_back(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")
    await add_users(uow_factory, alice)
    bob = make_user("bob")
    async with uow_factory() as uow:
        await uow.users.add(bob)
        await uow.users.update(dataclasses.replace(alice, bio="changed"))
        await uow.sessions.add(make_session(alice.id))
        assert await uow.users.get(bob.id) == bob  # visible inside the unit of work

    async with uow_factory() as uow:
        assert await uow.users.get(bob.id) is None
        assert await uow.users.get(alice.id) == alice


async def test_exception_rolls_back_and_propagates(uow_factory: UnitOfWorkFactory) -> None:
    alice = make_user("alice")

    async def add_then_fail() -> None:
        async with uow_factory() as uow:
            await uow.users.add(alice)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await add_then_fail()

    async with uow_factory() as uow:
        assert await uow.users.get(alice.id) is None


# --- SQL adapters only ------------------------------------------------------------------------------


async def test_counters_default_to_zero(sql_engine: AsyncEngine) -> None:
    user = make_user("alice", display_name=None)  # only the required columns are inserted
    async with sql_engine.begin() as connection:
        await connection.execute(
            insert(users_table).values(
                id=user.id,
                username=user.username,
                email=user.email,
                password_hash=user.password_hash,
                created_at=user.created_at,
                updated_at=user.updated_at,
            )
        )

    async with SqlUnitOfWorkFactory(sql_engine)() as uow:
        stored = await uow.users.get(user.id)
    assert stored == user
    assert stored is not None
    assert (stored.follower_count, stored.following_count, stored.video_count) == (0, 0, 0)
    assert stored.like_count == 0


async def test_other_timezones_are_stored_as_utc_and_naive_datetimes_refused(
    sql_engine: AsyncEngine,
) -> None:
    paris = timezone(timedelta(hours=1))
    user = make_user("alice", created_at=datetime(2026, 1, 1, 9, 30, 0, 42, tzinfo=paris))
    factory = SqlUnitOfWorkFactory(sql_engine)
    async with factory() as uow:
        await uow.users.add(user)
        await uow.commit()

    async with factory() as uow:
        stored = await uow.users.get(user.id)
        assert stored is not None
        assert stored.created_at == datetime(2026, 1, 1, 8, 30, 0, 42, tzinfo=UTC)
        assert stored.created_at.tzinfo == UTC
        with pytest.raises(StatementError, match="naive datetime"):
            await uow.users.add(make_user("bob", created_at=datetime(2026, 1, 1)))


async def test_sqlite_connections_enforce_foreign_keys_and_use_wal(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            pragmas = {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
                for name in ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
            }
    finally:
        await engine.dispose()
    assert pragmas == {
        "foreign_keys": 1,
        "journal_mode": "wal",
        "busy_timeout": 5000,
        "synchronous": 1,
    }


async def test_sqlite_engine_creates_the_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "clipstream.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await DatabaseProbe(engine).check()
    finally:
        await engine.dispose()
    assert path.exists()


async def test_database_probe_answers_and_fails_when_unreachable(sql_engine: AsyncEngine) -> None:
    probe = DatabaseProbe(sql_engine)
    assert probe.name == "database"
    await probe.check()

    unreachable = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")
    try:
        with pytest.raises(DBAPIError):
            await DatabaseProbe(unreachable).check()
    finally:
        await unreachable.dispose()


async def test_database_probe_with_revisions_refuses_a_schema_behind_this_release(
    sql_engine: AsyncEngine,
) -> None:
    revisions = schema_revisions()
    probe = DatabaseProbe(sql_engine, revisions)
    await probe.check()  # migrated to head
    older = SchemaRevisions("0" * 12, frozenset({"0" * 12, revisions.head}))
    with pytest.raises(DatabaseNotUsable, match=f"at revision {revisions.head}, this release"):
        await DatabaseProbe(sql_engine, older).check()
    newer = SchemaRevisions("0" * 12, frozenset({"0" * 12}))  # its revision is unknown: newer
    await DatabaseProbe(sql_engine, newer).check()


async def test_database_probe_with_revisions_refuses_a_database_never_migrated(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    try:
        with pytest.raises(DatabaseNotUsable, match=r"at revision none \(never migrated\)"):
            await DatabaseProbe(engine, schema_revisions()).check()
    finally:
        await engine.dispose()


# --- PostgreSQL only --------------------------------------------------------------------------------


@pytest.mark.postgres
async def test_postgres_overlapping_transactions_spend_a_token_exactly_once(
    postgres_engine: AsyncEngine,
) -> None:
    factory = SqlUnitOfWorkFactory(postgres_engine)
    alice = make_user("alice")
    await add_users(factory, alice)
    _, token = await add_session_with_token(factory, alice)
    both_inside = asyncio.Barrier(2)

    async def spend() -> bool:
        async with factory() as uow:
            await uow.sessions.get_token(token.token_hash)  # both have read it unspent
            await both_inside.wait()
            spent = await uow.sessions.spend_token(token.token_hash, T0)
            if spent:  # the winner holds the row lock until the loser waits on it
                await until_waiting_on_locks(postgres_engine)
            await uow.commit()
            return spent

    results = await asyncio.wait_for(asyncio.gather(spend(), spend()), timeout=10)
    assert sorted(results) == [False, True]


@pytest.mark.postgres
async def test_postgres_overlapping_counter_increments_are_not_lost(
    postgres_engine: AsyncEngine,
) -> None:
    factory = SqlUnitOfWorkFactory(postgres_engine)
    alice = make_user("alice")
    await add_users(factory, alice)
    both_inside = asyncio.Barrier(2)
    first: list[bool] = []

    async def follow() -> None:
        async with factory() as uow:
            await uow.users.get(alice.id)
            await both_inside.wait()
            await uow.users.add_to_counters(alice.id, followers=1)
            if not first:  # the first holds the row lock until the other waits on it
                first.append(True)
                await until_waiting_on_locks(postgres_engine)
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(follow(), follow()), timeout=10)
    async with factory() as uow:
        stored = await uow.users.get(alice.id)
    assert stored is not None
    assert stored.follower_count == 2


@pytest.mark.postgres
async def test_postgres_prefix_search_can_use_the_username_index(
    postgres_engine: AsyncEngine,
) -> None:
    async with postgres_engine.connect() as connection:
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(
            row[0]
            for row in await connection.execute(
                text(
                    "EXPLAIN SELECT * FROM users WHERE username LIKE :pattern ESCAPE '\\'"
                    " AND username > :after ORDER BY username LIMIT 21"
                ),
                {"pattern": "ab\\_c%", "after": "ab"},
            )
        )
    assert "uq_users_username" in plan
    assert "Sort" not in plan


@pytest.mark.postgres
async def test_postgres_engine_sets_statement_timeout_and_utc(postgres_url: str) -> None:
    engine = create_engine(postgres_url, pool_size=1, statement_timeout_ms=200)
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SHOW statement_timeout"))).scalar() == "200ms"
            assert (await connection.execute(text("SHOW timezone"))).scalar() == "UTC"
            with pytest.raises(DBAPIError, match="statement timeout"):
                await connection.execute(text("SELECT pg_sleep(2)"))
    finally:
        await engine.dispose()
