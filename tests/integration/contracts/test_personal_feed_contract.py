"""What a signed-in viewer's For You leaves out (`PersonalFilter`), on every adapter (memory, SQLite,
PostgreSQL): their own videos, videos marked not interested, and videos watched to the end or for
at least half since the filter's time; in the ranked part and the older part alike."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.social_queries import MemoryFeedQueries
from adapters.memory.store import MemoryDatabase
from adapters.memory.taste import MemoryTasteQueries
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.social_queries import SqlFeedQueries
from adapters.sqlalchemy.taste_queries import SqlTasteQueries
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from application.ports.feed_queries import FeedQueries, PersonalFilter
from application.ports.taste_queries import TasteQueries
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.comments import Comment
from domain.taste import Interaction, Signal
from domain.videos import Visibility
from domain.watching import Watch
from tests.integration.contracts.test_search_index_contract import (
    T0,
    _engine_on_empty_tables,
    make_user,
    make_video,
)

HOUR = timedelta(hours=1)
SNAPSHOT = T0 + 10 * HOUR
SINCE = SNAPSHOT - timedelta(days=7)  # the ranked window
PERSONAL = PersonalFilter(watched_since=SNAPSHOT - timedelta(days=7))


@dataclasses.dataclass(frozen=True)
class Adapters:
    uow: UnitOfWorkFactory
    feeds: FeedQueries
    tastes: TasteQueries


@pytest.fixture
async def adapters(storage_url: str | None) -> AsyncIterator[Adapters]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Adapters(
            lambda: MemoryUnitOfWork(store),
            MemoryFeedQueries(store, MemoryVideoQueries(store)),
            MemoryTasteQueries(store),
        )
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    try:
        yield Adapters(
            SqlUnitOfWorkFactory(engine),
            SqlFeedQueries(engine, reader),
            SqlTasteQueries(engine, reader),
        )
    finally:
        await reader.close()
        await engine.dispose()


async def ranked(adapters: Adapters, viewer: UUID, personal: PersonalFilter | None) -> set[UUID]:
    rows = await adapters.feeds.ranked(
        viewer, snapshot=SNAPSHOT, since=SINCE, after=None, limit=50, personal=personal
    )
    return {row.view.video.id for row in rows}


async def older(adapters: Adapters, viewer: UUID, personal: PersonalFilter | None) -> set[UUID]:
    rows = await adapters.feeds.older(
        viewer, until=SNAPSHOT, after=None, limit=50, personal=personal
    )
    return {row.video.id for row in rows}


async def test_a_viewers_for_you_leaves_out_own_unwanted_and_watched_videos(
    adapters: Adapters,
) -> None:
    viewer, creator = make_user("viewer"), make_user("creator")
    ten_seconds = {"duration_seconds": 10.0}
    own = make_video(viewer, "mine", **ten_seconds)
    unwanted = make_video(creator, "meh", **ten_seconds)
    completed = make_video(creator, "seen to the end", **ten_seconds)
    half = make_video(creator, "seen half", **ten_seconds)
    skipped = make_video(creator, "skipped", **ten_seconds)
    long_ago = make_video(creator, "seen long ago", **ten_seconds)
    fresh = make_video(creator, "never seen", **ten_seconds)
    everything = [own, unwanted, completed, half, skipped, long_ago, fresh]
    async with adapters.uow() as uow:
        await uow.users.add(viewer)
        await uow.users.add(creator)
        for video in everything:
            await uow.videos.add(video)
        await uow.watches.mark_not_interested(viewer.id, unwanted.id, T0)
        await uow.watches.mark_not_interested(viewer.id, unwanted.id, T0)  # idempotent
        for video, watched_ms, done, at in (
            (completed, None, True, T0),
            (half, 5000, None, T0),
            (skipped, 1500, False, T0),
            (long_ago, 10_000, True, PERSONAL.watched_since - HOUR),
        ):
            await uow.watches.record_watch(Watch(viewer.id, video.id, at, watched_ms, done))
        await uow.commit()
    kept = {skipped.id, long_ago.id, fresh.id}
    all_ids = {video.id for video in everything}

    assert await ranked(adapters, viewer.id, PERSONAL) == kept
    assert await older(adapters, viewer.id, PERSONAL) == kept
    assert await ranked(adapters, viewer.id, None) == all_ids  # the filter is the viewer's own
    assert await ranked(adapters, creator.id, PERSONAL) == all_ids - {
        v.id for v in everything if v.owner_id == creator.id
    }


async def test_a_viewers_interactions_name_each_creator_and_hashtags(adapters: Adapters) -> None:
    viewer, ana, bob, cid = (
        make_user("viewer"),
        make_user("ana"),
        make_user("bob"),
        make_user("cid"),
    )
    liked = make_video(ana, "#cats #cute", duration_seconds=10.0)
    commented = make_video(bob, "#dogs", duration_seconds=10.0)
    unwanted = make_video(cid, "#news", duration_seconds=10.0)
    completed = make_video(ana, "#cats", duration_seconds=10.0)
    skipped = make_video(bob, "#dogs #walks", duration_seconds=10.0)
    glanced = make_video(cid, "#news", duration_seconds=10.0)  # 3 s of 10: says nothing
    stale = make_video(cid, "#old", duration_seconds=10.0)
    async with adapters.uow() as uow:
        for user in (viewer, ana, bob, cid):
            await uow.users.add(user)
        for video in (liked, commented, unwanted, completed, skipped, glanced, stale):
            await uow.videos.add(video)
        await uow.likes.like_video(viewer.id, liked.id, T0)
        await uow.comments.add(
            Comment(
                id=uuid4(),
                video_id=commented.id,
                parent_id=None,
                author_id=viewer.id,
                body="nice",
                created_at=T0,
            )
        )
        await uow.follows.add(viewer.id, cid.id, T0)
        await uow.watches.mark_not_interested(viewer.id, unwanted.id, T0)
        for video, watched_ms, done, at in (
            (completed, 2000, True, T0),
            (skipped, 800, False, T0),
            (glanced, 3000, None, T0),
            (stale, 10_000, True, T0 - timedelta(days=40)),
        ):
            await uow.watches.record_watch(Watch(viewer.id, video.id, at, watched_ms, done))
        await uow.commit()

    found = await adapters.tastes.interactions(
        viewer.id, watched_since=T0 - timedelta(days=30), limit=50
    )

    normalised = sorted(
        (i.signal.value, str(i.creator_id), tuple(sorted(i.hashtags))) for i in found
    )
    assert normalised == sorted(
        (i.signal.value, str(i.creator_id), tuple(sorted(i.hashtags)))
        for i in (
            Interaction(Signal.LIKE, ana.id, ("cats", "cute")),
            Interaction(Signal.COMMENT, bob.id, ("dogs",)),
            Interaction(Signal.FOLLOW, cid.id),
            Interaction(Signal.NOT_INTERESTED, cid.id, ("news",)),
            Interaction(Signal.WATCHED, ana.id, ("cats",)),
            Interaction(Signal.SKIP, bob.id, ("dogs", "walks")),
        )
    )
    assert await adapters.tastes.interactions(uuid4(), watched_since=T0, limit=5) == []


async def test_published_among_keeps_visible_videos_and_leaves_out_own_and_unwanted(
    adapters: Adapters,
) -> None:
    viewer, creator = make_user("viewer"), make_user("creator")
    kept = make_video(creator, "kept")
    unwanted = make_video(creator, "unwanted")
    own = make_video(viewer, "own")
    private = make_video(creator, "private", visibility=Visibility.PRIVATE)
    async with adapters.uow() as uow:
        await uow.users.add(viewer)
        await uow.users.add(creator)
        for video in (kept, unwanted, own, private):
            await uow.videos.add(video)
        await uow.watches.mark_not_interested(viewer.id, unwanted.id, T0)
        await uow.commit()
    ids = [kept.id, unwanted.id, own.id, private.id, uuid4()]

    mine = await adapters.feeds.published_among(viewer.id, ids)
    anyone = await adapters.feeds.published_among(None, ids)

    assert [view.video.id for view in mine] == [kept.id]
    assert {view.video.id for view in anyone} == {kept.id, unwanted.id, own.id}
    assert await adapters.feeds.published_among(viewer.id, []) == []


async def test_fresh_and_followed_videos_and_pinned_ones_left_out(adapters: Adapters) -> None:
    viewer, friend, stranger = make_user("viewer"), make_user("friend"), make_user("stranger")
    week_ago = SNAPSHOT - timedelta(days=6)
    by_friend = make_video(friend, "friend's", published_at=week_ago, created_at=week_ago)
    fresh = make_video(stranger, "fresh", published_at=SNAPSHOT - HOUR, view_count=3)
    popular_fresh = make_video(stranger, "seen a lot", published_at=SNAPSHOT - HOUR)
    old_stranger = make_video(stranger, "old", published_at=week_ago, view_count=0)
    async with adapters.uow() as uow:
        for user in (viewer, friend, stranger):
            await uow.users.add(user)
        for video in (by_friend, fresh, popular_fresh, old_stranger):
            await uow.videos.add(video)
        await uow.videos.add_to_counters(popular_fresh.id, views=50)
        await uow.follows.add(viewer.id, friend.id, T0)
        await uow.commit()

    found = await adapters.feeds.fresh_and_followed(
        viewer.id,
        snapshot=SNAPSHOT,
        since=SINCE,
        fresh_since=SNAPSHOT - timedelta(hours=48),
        max_views=20,
        limit=10,
        personal=PERSONAL,
    )
    pinned = PersonalFilter(watched_since=PERSONAL.watched_since, pinned=(fresh.id, by_friend.id))

    assert [row.view.video.id for row in found] == [fresh.id, by_friend.id]  # newest first
    assert await ranked(adapters, viewer.id, pinned) == {popular_fresh.id, old_stranger.id}
    assert fresh.id not in await older(adapters, viewer.id, pinned)


@pytest.mark.postgres
async def test_postgres_personal_statements_read_indexes(own_postgres_engine: AsyncEngine) -> None:
    engine = own_postgres_engine  # it ANALYZEs what it loads
    viewer, creator = make_user("viewer"), make_user("creator")
    async with SqlUnitOfWorkFactory(engine)() as uow:
        await uow.users.add(viewer)
        await uow.users.add(creator)
        await uow.follows.add(viewer.id, creator.id, T0)
        await uow.commit()
    async with engine.begin() as connection:  # 5,000 published videos over two weeks
        await connection.exec_driver_sql(
            "INSERT INTO videos (id, owner_id, caption, visibility, status, content_type,"
            " size_bytes, storage_key, created_at, updated_at, published_at, rank, view_count)"
            " SELECT gen_random_uuid(), %(owner)s, 'clip', 'public', 'ready', 'video/mp4', 1,"
            " 'k' || n, %(t0)s::timestamptz - n * interval '4 minutes',"
            " %(t0)s::timestamptz - n * interval '4 minutes',"
            " %(t0)s::timestamptz - n * interval '4 minutes', n, n %% 50"
            " FROM generate_series(1, 5000) AS n",
            {"owner": creator.id, "t0": SNAPSHOT},
        )
        await connection.exec_driver_sql("ANALYZE")
    feeds, tastes = SqlFeedQueries(engine), SqlTasteQueries(engine)
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await feeds.fresh_and_followed(
            viewer.id,
            snapshot=SNAPSHOT,
            since=SINCE,
            fresh_since=SNAPSHOT - timedelta(hours=48),
            max_views=20,
            limit=100,
            personal=PERSONAL,
        )
        await feeds.published_among(viewer.id, [uuid4() for _ in range(20)])
        await tastes.interactions(viewer.id, watched_since=SINCE, limit=200)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    plans = []
    async with engine.connect() as connection:
        for index, (statement, parameters) in enumerate(selects):
            if index == 2:  # the viewer's own rows are few here: ask for the plan at scale
                await connection.exec_driver_sql("SET enable_seqscan = off")
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in rows))

    fresh_plan, among_plan, taste_plan = plans
    assert "ix_videos_published_at_id" in fresh_plan, fresh_plan
    assert "pk_videos" in among_plan, among_plan
    for plan in plans:
        assert "Seq Scan on videos" not in plan, plan
    assert "ix_follows_follower_id_created_at_followee_id" in taste_plan, taste_plan
    assert "Seq Scan" not in taste_plan, taste_plan
