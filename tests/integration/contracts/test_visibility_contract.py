"""The visibility rule (`application.common.visibility`) on every adapter: blocks (the write-side
`BlockRepository`, the read-side `BlockQueries`) and what every list leaves out for a viewer:
blocked and blocking authors, suspended ones, hidden content (but never the viewer's own). The
memory adapters call the rule; the SQL ones translate it (`read_statements.listed_content`):
these tests hold them to the same answers on memory, SQLite and PostgreSQL.

The PostgreSQL-only checks at the end show the plans (the block filter keeps every list an index
scan, the blocks read once per statement) and the race between a block and a follow.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.account_queries import MemoryAccountQueries
from adapters.memory.blocks import MemoryBlockQueries
from adapters.memory.store import MemoryDatabase
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.account_queries import SqlAccountQueries
from adapters.sqlalchemy.blocks import SqlBlockQueries
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.tables import blocks as blocks_table
from adapters.sqlalchemy.tables import comments as comments_table
from adapters.sqlalchemy.tables import videos as videos_table
from application.common.visibility import is_listed
from application.ports.account_queries import AccountQueries
from application.ports.block_queries import BlockEntry, BlockQueries
from application.ports.video_queries import PublicVideoFilter
from application.safety.block_user import BlockCommand, BlockUser
from application.social.follow import FollowCommand, FollowUser
from domain.comments import Comment
from domain.errors import Conflict, NotFound
from domain.moderation import NO_BLOCK, BlockRelation, ModerationState
from domain.users import User
from domain.videos import Video
from tests.integration.conftest import PostgresDatabases
from tests.integration.contracts.test_social_repository_contract import (
    WALK_LIMITS,
    Social,
    _engine_on_empty_tables,
    add,
    assert_counters_match_rows,
    at,
    comment,
    follow,
    make_comment,
    make_user,
    make_video,
    sql_social,
    walk,
)
from tests.integration.contracts.test_social_repository_contract import (
    memory_social as _memory_social,
)
from tests.support.clock import ManualClock


@dataclasses.dataclass(frozen=True)
class Safety:
    """The social adapters of one storage, with the block list and account lookups."""

    social: Social
    blocks: BlockQueries
    accounts: AccountQueries


def _memory_safety() -> Safety:
    store = MemoryDatabase()
    return Safety(_memory_social(store), MemoryBlockQueries(store), MemoryAccountQueries(store))


@pytest.fixture
async def safety(storage_url: str | None) -> AsyncIterator[Safety]:
    if storage_url is None:
        yield _memory_safety()
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    try:
        yield Safety(
            sql_social(engine, reader),
            SqlBlockQueries(engine, reader),
            SqlAccountQueries(engine, reader),
        )
    finally:
        await reader.close()
        await engine.dispose()


async def block(safety: Safety, blocker: User, blocked: User, seconds: float = 0) -> bool:
    async with safety.social.uow() as uow:
        added = await uow.blocks.block(blocker.id, blocked.id, at(seconds))
        await uow.commit()
    return added


async def unblock(safety: Safety, blocker: User, blocked: User) -> bool:
    async with safety.social.uow() as uow:
        removed = await uow.blocks.unblock(blocker.id, blocked.id)
        await uow.commit()
    return removed


async def between(safety: Safety, viewer: User, other: User) -> BlockRelation:
    async with safety.social.uow() as uow:
        return await uow.blocks.between(viewer.id, other.id)


# --- the block relation ---------------------------------------------------------------------------


async def test_a_block_is_one_way_unique_and_read_from_either_side(safety: Safety) -> None:
    ana, bob, cy = make_user("ana"), make_user("bob"), make_user("cy")
    await add(safety.social, ana, bob, cy)
    assert await between(safety, ana, bob) == NO_BLOCK

    assert await block(safety, ana, bob) is True
    assert await block(safety, ana, bob) is False  # idempotent
    assert await between(safety, ana, bob) == BlockRelation(blocking=True, blocked_by=False)
    assert await between(safety, bob, ana) == BlockRelation(blocking=False, blocked_by=True)
    assert await between(safety, ana, cy) == NO_BLOCK

    assert await block(safety, bob, ana) is True
    assert await between(safety, ana, bob) == BlockRelation(blocking=True, blocked_by=True)

    assert await unblock(safety, ana, bob) is True
    assert await unblock(safety, ana, bob) is False
    assert await between(safety, ana, bob) == BlockRelation(blocking=False, blocked_by=True)


async def test_blocking_a_missing_account_is_not_found_and_the_unit_of_work_goes_on(
    safety: Safety,
) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    await add(safety.social, ana, bob)
    async with safety.social.uow() as uow:
        with pytest.raises(NotFound):
            await uow.blocks.block(ana.id, uuid4(), at(0))
        assert await uow.blocks.block(ana.id, bob.id, at(0)) is True
        await uow.commit()
    assert await between(safety, ana, bob) == BlockRelation(blocking=True)


async def test_a_block_without_commit_is_rolled_back(safety: Safety) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    await add(safety.social, ana, bob)
    async with safety.social.uow() as uow:
        await uow.blocks.block(ana.id, bob.id, at(0))
    assert await between(safety, ana, bob) == NO_BLOCK


async def test_the_block_list_is_newest_first_and_keyset_walks_see_each_once(
    safety: Safety,
) -> None:
    ana = make_user("ana")
    others = [make_user(f"user{i}") for i in range(8)]
    await add(safety.social, ana, *others)
    seconds = [0, 1, 1, 1, 2.5, 3, 3, 4]  # same instants: the blocked id breaks the tie
    for user, when in zip(others, seconds, strict=True):
        await block(safety, ana, user, when)
    await block(safety, others[0], ana, 9)  # blocking ana: not in ana's list

    expected = sorted(
        ((at(when), user.id) for user, when in zip(others, seconds, strict=True)), reverse=True
    )

    def key(entry: BlockEntry) -> tuple[datetime, UUID]:
        return (entry.blocked_at, entry.user.id)

    everything = await safety.blocks.blocked(ana.id, after=None, limit=100)
    assert [key(e) for e in everything] == expected
    assert everything[0].user.username == others[7].username
    for limit in WALK_LIMITS:
        walked = await walk(
            lambda after, limit: safety.blocks.blocked(ana.id, after=after, limit=limit), key, limit
        )
        assert [key(e) for e in walked] == expected


async def test_deleting_an_account_takes_its_blocks_both_ways(safety: Safety) -> None:
    ana, bob, cy = make_user("ana"), make_user("bob"), make_user("cy")
    await add(safety.social, ana, bob, cy)
    await block(safety, ana, bob)
    await block(safety, bob, cy)
    async with safety.social.uow() as uow:
        await uow.users.delete(bob.id)
        await uow.commit()
    assert await safety.blocks.blocked(ana.id, after=None, limit=10) == []
    assert await between(safety, cy, ana) == NO_BLOCK


# --- what every list leaves out -------------------------------------------------------------------


@dataclasses.dataclass
class World:
    """A viewer, the accounts around them and their content, every author followed by the viewer
    and following a star (so every list below can show every author)."""

    viewer: User
    star: User
    authors: dict[str, User]
    videos: dict[str, Video]
    comments: dict[str, Comment]
    replies: dict[str, Comment]
    star_video: Video
    thread: Comment


NAMES = ("plain", "blocked", "blocking", "suspended", "own")


async def _world(safety: Safety) -> World:
    """`plain`: nothing special; `blocked`: the viewer blocks them; `blocking`: they block the
    viewer; `suspended`; `own`: the viewer themself."""
    viewer, star = make_user("viewer"), make_user("star")
    authors = {name: make_user(name) for name in NAMES if name != "own"} | {"own": viewer}
    videos = {name: make_video(user, i) for i, (name, user) in enumerate(authors.items())}
    star_video = make_video(star, 50)
    social = safety.social
    await add(social, star, *(u for n, u in authors.items() if n != "own"), viewer)
    await add(social, star_video, *videos.values())
    thread = await comment(social, star, star_video, 60)
    comments, replies = {}, {}
    for i, (name, user) in enumerate(authors.items()):
        comments[name] = await comment(social, user, star_video, 70 + i)
        replies[name] = await comment(social, user, star_video, 80 + i, parent=thread)
        if name != "own":
            await follow(social, viewer, user, i)
        await follow(social, user, star, i)
    await block(safety, viewer, authors["blocked"])
    await block(safety, authors["blocking"], viewer)
    async with social.uow() as uow:
        await uow.users.set_suspended(authors["suspended"].id, at(100))
        await uow.commit()
    return World(viewer, star, authors, videos, comments, replies, star_video, thread)


async def _listed_names(
    safety: Safety, world: World, viewer_id: UUID | None
) -> dict[str, set[str]]:
    """Which authors each list shows to the viewer (by the names of `_world`)."""
    social = safety.social
    name_of = {user.id: name for name, user in world.authors.items()}
    video_name = {video.id: name for name, video in world.videos.items()}
    comment_name = {c.id: name for name, c in world.comments.items()}
    comment_name |= {c.id: name for name, c in world.replies.items()}

    def videos(found: Sequence[Any]) -> set[str]:
        return {video_name[v.video.id] for v in found if v.video.id in video_name}

    lists: dict[str, set[str]] = {
        "public videos": videos(
            await social.videos.list_public(PublicVideoFilter(), viewer_id, after=None, limit=100)
        ),
        "ranked": videos(
            [
                r.view
                for r in await social.feeds.ranked(
                    viewer_id, snapshot=at(1000), since=at(-1), after=None, limit=100
                )
            ]
        ),
        "older": videos(await social.feeds.older(viewer_id, until=at(1000), after=None, limit=100)),
        "top-level comments": {
            comment_name[c.comment.id]
            for c in await social.comments.top_level(
                world.star_video.id, viewer_id, after=None, limit=100
            )
            if c.comment.id in comment_name  # not the star's thread
        },
        "replies": {
            comment_name[c.comment.id]
            for c in await social.comments.replies(
                world.thread.id, viewer_id, after=None, limit=100
            )
        },
        "followers": {
            name_of[e.user.id]
            for e in await social.follows.followers(
                world.star.id, viewer_id=viewer_id, after=None, limit=100
            )
        },
    }
    async with social.uow() as uow:
        lists["user search"] = {
            name_of[u.id]
            for u in await uow.users.search_by_username_prefix(
                "", viewer_id=viewer_id, after=None, limit=100
            )
            if u.id in name_of
        }
    for user in world.authors.values():
        owned = await social.videos.list_by_owner(
            user.id, viewer_id, include_unlisted=viewer_id == user.id, after=None, limit=100
        )
        lists.setdefault("videos of their owner", set()).update(videos(owned))
    if viewer_id is not None:
        lists["following feed"] = videos(
            await social.feeds.following(viewer_id, after=None, limit=100)
        )
        lists["following"] = {
            name_of[e.user.id]
            for e in await social.follows.following(
                viewer_id, viewer_id=viewer_id, after=None, limit=100
            )
            if e.user.id in name_of  # not the star
        }
    return lists


async def test_every_list_leaves_out_blocked_blocking_and_suspended_authors(
    safety: Safety,
) -> None:
    world = await _world(safety)
    for list_name, names in (await _listed_names(safety, world, world.viewer.id)).items():
        expected = {"plain", "own"}
        if list_name == "following":  # whom the viewer follows (never themself)
            expected = {"plain"}
        if list_name == "following feed":  # videos of the followed
            expected = {"plain"}
        assert names == expected, list_name


async def test_a_third_party_and_anonymous_viewers_see_all_but_the_suspended(
    safety: Safety,
) -> None:
    world = await _world(safety)
    third = make_user("third")
    await add(safety.social, third)
    for viewer_id in (third.id, None):
        for list_name, names in (await _listed_names(safety, world, viewer_id)).items():
            if list_name in ("following feed", "following"):
                assert names == set(), list_name  # the third party follows nobody
            else:
                assert names == {"plain", "blocked", "blocking", "own"}, (list_name, viewer_id)


async def test_unblocking_and_lifting_a_suspension_bring_everything_back(safety: Safety) -> None:
    world = await _world(safety)
    await unblock(safety, world.viewer, world.authors["blocked"])
    await unblock(safety, world.authors["blocking"], world.viewer)
    async with safety.social.uow() as uow:
        await uow.users.set_suspended(world.authors["suspended"].id, None)
        await uow.commit()
    lists = await _listed_names(safety, world, world.viewer.id)
    assert lists["public videos"] == set(NAMES)
    assert lists["top-level comments"] == set(NAMES)
    assert lists["followers"] == set(NAMES)


async def test_lists_leave_out_hidden_content_but_its_author_sees_their_own(
    safety: Safety,
) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    await add(safety.social, ana, bob)
    shown, pending, removed = (make_video(ana, i) for i in range(3))
    await add(safety.social, shown, pending, removed)
    thread = await comment(safety.social, ana, shown, 10)
    hidden_comment = await comment(safety.social, ana, shown, 11)
    hidden_reply = await comment(safety.social, ana, shown, 12, parent=thread)
    async with safety.social.uow() as uow:
        await uow.videos.set_moderation(pending.id, ModerationState.PENDING_REVIEW, None)
        await uow.videos.set_moderation(removed.id, ModerationState.REMOVED, "spam")
        await uow.comments.set_moderation(hidden_comment.id, ModerationState.REMOVED, "rude")
        await uow.comments.set_moderation(hidden_reply.id, ModerationState.PENDING_REVIEW, None)
        await uow.commit()

    social = safety.social
    for viewer_id, expected_videos, expected_comments in [
        (bob.id, {shown.id}, {thread.id}),
        (None, {shown.id}, {thread.id}),
        (ana.id, {shown.id, pending.id, removed.id}, {thread.id, hidden_comment.id}),
    ]:
        public = await social.videos.list_public(
            PublicVideoFilter(), viewer_id, after=None, limit=9
        )
        owned = await social.videos.list_by_owner(
            ana.id, viewer_id, include_unlisted=False, after=None, limit=9
        )
        older = await social.feeds.older(viewer_id, until=at(100), after=None, limit=9)
        for found in (public, owned, older):
            assert {v.video.id for v in found} == expected_videos, viewer_id
        top = await social.comments.top_level(shown.id, viewer_id, after=None, limit=9)
        assert {c.comment.id for c in top} == expected_comments, viewer_id
        replies = await social.comments.replies(thread.id, viewer_id, after=None, limit=9)
        assert {c.comment.id for c in replies} == (
            {hidden_reply.id} if viewer_id == ana.id else set()
        )

    stored = await social.videos.get_view(removed.id, bob.id)
    assert stored is not None
    assert (stored.video.moderation_state, stored.video.moderation_reason) == (
        ModerationState.REMOVED,
        "spam",
    )
    hidden = await social.comments.get_view(hidden_comment.id, None)
    assert hidden is not None
    assert hidden.comment.moderation_state is ModerationState.REMOVED


async def test_saving_a_video_keeps_its_moderation_state(safety: Safety) -> None:
    ana = make_user("ana")
    video = make_video(ana)
    await add(safety.social, ana, video)
    async with safety.social.uow() as uow:
        await uow.videos.set_moderation(video.id, ModerationState.REMOVED, "spam")
        await uow.commit()
    async with safety.social.uow() as uow:  # a stale copy, saved by its owner's edit
        await uow.videos.save(
            dataclasses.replace(video, caption="new"), expected_status=video.status
        )
        await uow.commit()
    async with safety.social.uow() as uow:
        saved = await uow.videos.get(video.id)
    assert saved is not None
    assert (saved.caption, saved.moderation_state) == ("new", ModerationState.REMOVED)


async def test_a_role_and_a_suspension_are_stored_and_survive_profile_updates(
    safety: Safety,
) -> None:
    from domain.moderation import Role

    ana = make_user("ana")
    await add(safety.social, ana)
    async with safety.social.uow() as uow:
        await uow.users.set_role(ana.id, Role.MODERATOR)
        await uow.users.set_suspended(ana.id, at(5))
        await uow.commit()
    async with safety.social.uow() as uow:
        await uow.users.update(dataclasses.replace(ana, bio="stale copy"))
        await uow.commit()
    found = await safety.accounts.account(ana.id, None, None)
    assert found is not None
    assert (found.user.role, found.user.suspended_at, found.user.bio) == (
        Role.MODERATOR,
        at(5),
        "stale copy",
    )


async def test_direct_reads_carry_the_blocks_between_viewer_and_author(safety: Safety) -> None:
    world = await _world(safety)
    viewer = world.viewer
    for name, expected in [
        ("plain", NO_BLOCK),
        ("blocked", BlockRelation(blocking=True)),
        ("blocking", BlockRelation(blocked_by=True)),
    ]:
        author = world.authors[name]
        video = await safety.social.videos.get_view(world.videos[name].id, viewer.id)
        assert video is not None, name
        assert video.block == expected, name
        found = await safety.social.comments.get_view(world.comments[name].id, viewer.id)
        assert found is not None, name
        assert found.block == expected, name
        by_id = await safety.accounts.account(author.id, None, viewer.id)
        by_name = await safety.accounts.account(None, author.username, viewer.id)
        assert by_id is not None, name
        assert (by_id.block, by_id.user.username) == (expected, author.username), name
        assert by_name == by_id
        anonymous = await safety.accounts.account(author.id, None, None)
        assert anonymous is not None
        assert anonymous.block == NO_BLOCK
    assert await safety.accounts.account(uuid4(), None, viewer.id) is None
    assert await safety.accounts.account(None, "nobody", viewer.id) is None


def test_the_rule_lists_own_content_whatever_its_state() -> None:
    ana = dataclasses.replace(make_user("ana"), suspended_at=at(0))
    both = BlockRelation(blocking=True, blocked_by=True)
    assert is_listed(ana.id, ana, both, ModerationState.REMOVED)
    assert not is_listed(uuid4(), ana, NO_BLOCK, ModerationState.VISIBLE)
    assert not is_listed(None, make_user("bob"), NO_BLOCK, ModerationState.PENDING_REVIEW)


# --- PostgreSQL: plans and races ------------------------------------------------------------------


def _video_row(video: Video) -> dict[str, Any]:
    return {
        "id": video.id,
        "owner_id": video.owner_id,
        "caption": video.caption,
        "visibility": video.visibility.value,
        "status": video.status.value,
        "content_type": video.content_type,
        "size_bytes": video.size_bytes,
        "storage_key": video.storage_key,
        "created_at": video.created_at,
        "updated_at": video.updated_at,
        "published_at": video.published_at,
        "rank": 0.0,
    }


def _comment_row(made: Comment) -> dict[str, Any]:
    return {
        "id": made.id,
        "video_id": made.video_id,
        "parent_id": made.parent_id,
        "author_id": made.author_id,
        "body": made.body,
        "created_at": made.created_at,
    }


@pytest.mark.postgres
async def test_postgres_lists_stay_index_scans_for_a_viewer_with_a_thousand_blocks(
    postgres_databases: PostgresDatabases,
) -> None:
    # A database of its own: its statistics (ANALYZE below) must not change other suites' plans.
    url = postgres_databases.create(migrated=True)
    postgres_engine = create_engine(url, pool_size=2)
    try:
        await _plans_with_a_thousand_blocks(postgres_engine)
    finally:
        await postgres_engine.dispose()
        postgres_databases.drop(url)


async def _plans_with_a_thousand_blocks(postgres_engine: AsyncEngine) -> None:
    social = sql_social(postgres_engine)
    viewer, star = make_user("viewer"), make_user("star")
    others = [make_user(f"user{i:02}") for i in range(20)]
    videos = [make_video(user, i) for i, user in enumerate(others)]
    await add(social, viewer, star, *others, *videos)
    thread = await comment(social, star, videos[0], 0)
    for i, user in enumerate(others):
        await comment(social, user, videos[0], 1 + i)
        await comment(social, user, videos[0], 1 + i, parent=thread)
        await follow(social, viewer, user, i)
        await follow(social, user, star, i)
    # A thousand blocked accounts, each with an older video, comment and reply the lists skip.
    blocked = [make_user(f"blocked{i:04}") for i in range(1000)]
    await add(social, *blocked)
    async with postgres_engine.begin() as connection:
        await connection.execute(
            insert(blocks_table),
            [
                {"blocker_id": viewer.id, "blocked_id": user.id, "created_at": at(i)}
                for i, user in enumerate(blocked)
            ],
        )
        await connection.execute(
            insert(videos_table),
            [_video_row(make_video(user, -2000 + i)) for i, user in enumerate(blocked)],
        )
        await connection.execute(
            insert(comments_table),
            [
                _comment_row(make_comment(user, videos[0], -2000 + i, parent))
                for i, user in enumerate(blocked)
                for parent in (None, thread)
            ],
        )
        await connection.exec_driver_sql("ANALYZE")

    calls: dict[str, Callable[[], Awaitable[Any]]] = {
        "list_by_owner": lambda: social.videos.list_by_owner(
            others[0].id, viewer.id, include_unlisted=False, after=None, limit=20
        ),
        "list_public": lambda: social.videos.list_public(
            PublicVideoFilter(), viewer.id, after=None, limit=20
        ),
        "followers": lambda: social.follows.followers(
            star.id, viewer_id=viewer.id, after=None, limit=20
        ),
        "following": lambda: social.follows.following(
            viewer.id, viewer_id=viewer.id, after=None, limit=20
        ),
        "top_level": lambda: social.comments.top_level(
            videos[0].id, viewer.id, after=None, limit=20
        ),
        "replies": lambda: social.comments.replies(thread.id, viewer.id, after=None, limit=20),
        "feed_following": lambda: social.feeds.following(viewer.id, after=None, limit=20),
        "ranked": lambda: social.feeds.ranked(
            viewer.id, snapshot=at(1000), since=at(-1), after=None, limit=20
        ),
        "older": lambda: social.feeds.older(viewer.id, until=at(1000), after=None, limit=20),
    }
    recorded: dict[str, tuple[str, Any]] = {}
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(postgres_engine.sync_engine, "before_cursor_execute", record)
    try:
        for name, call in calls.items():
            statements.clear()
            assert await call(), name  # the block filter leaves the others' items in
            assert len(statements) == 1, (name, statements)  # the block filter is in the page
            recorded[name] = statements[0]
    finally:
        event.remove(postgres_engine.sync_engine, "before_cursor_execute", record)

    plans = {}
    async with postgres_engine.connect() as connection:
        # As on a large table, where scanning the table or sorting the matches costs more.
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        await connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        for name, (statement, parameters) in recorded.items():
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans[name] = "\n".join(row[0] for row in rows)
    for name, plan in plans.items():
        # The viewer's blocks are read once per statement (a hashed subplan), through the two
        # indexes of `blocks`; every table is read through an index. (With a viewer of no blocks
        # the lists read their indexes in order: `test_postgres_each_query_is_one_statement...`
        # of the social contract, whose viewer is signed in, checks it with the same filter.)
        assert "hashed SubPlan" in plan, (name, plan)
        assert "ix_blocks_blocked_id_blocker_id" in plan, (name, plan)
        assert "Seq Scan" not in plan, (name, plan)


@pytest.mark.postgres
async def test_postgres_a_block_racing_follows_leaves_no_follow_and_exact_counts(
    postgres_url: str,
) -> None:
    engine = await _engine_on_empty_tables(postgres_url, pool_size=8)
    try:
        social = sql_social(engine)
        ana, bob = make_user("ana"), make_user("bob")
        await add(social, ana, bob)
        clock = ManualClock()
        block_user = BlockUser(social.uow, clock)
        follow_user = FollowUser(social.uow, clock)
        for _ in range(5):

            async def bob_follows() -> None:
                with contextlib.suppress(NotFound, Conflict):  # the block came first
                    await follow_user.execute(FollowCommand(follower_id=bob.id, followee_id=ana.id))

            async def ana_follows() -> None:
                with contextlib.suppress(NotFound, Conflict):
                    await follow_user.execute(FollowCommand(follower_id=ana.id, followee_id=bob.id))

            await asyncio.gather(
                bob_follows(),
                ana_follows(),
                block_user.execute(BlockCommand(blocker_id=ana.id, blocked_id=bob.id)),
                bob_follows(),
            )
            rows = await social.rows()
            assert rows.follows == set()
            assert_counters_match_rows(rows)
            async with social.uow() as uow:
                await uow.blocks.unblock(ana.id, bob.id)
                await uow.commit()
    finally:
        await engine.dispose()


async def test_the_caller_is_the_session_with_its_accounts_current_role(safety: Safety) -> None:
    from datetime import timedelta

    from domain.moderation import Role
    from domain.sessions import Session

    ana = make_user("ana")
    await add(safety.social, ana)
    session = Session(
        id=uuid4(), user_id=ana.id, created_at=at(0), expires_at=at(0) + timedelta(days=1)
    )
    async with safety.social.uow() as uow:
        await uow.sessions.add(session)
        await uow.commit()
    found = await safety.accounts.caller(session.id)
    assert found is not None
    assert (found.session, found.role) == (session, Role.USER)
    async with safety.social.uow() as uow:
        await uow.users.set_role(ana.id, Role.ADMIN)
        await uow.commit()
    promoted = await safety.accounts.caller(session.id)
    assert promoted is not None
    assert promoted.role is Role.ADMIN
    assert await safety.accounts.caller(uuid4()) is None
