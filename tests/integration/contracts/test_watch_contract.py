"""The watch repository and hashtag queries contract, on every adapter (memory, SQLite,
PostgreSQL): latest watch per viewer and video, counted views by hour, the trending table, and
retention."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.watches import MemoryHashtagQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from adapters.sqlalchemy.watches import SqlHashtagQueries
from application.ports.hashtag_queries import HashtagQueries, TrendingHashtag
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.moderation import ModerationState
from domain.videos import Visibility
from domain.watching import Watch
from tests.integration.contracts.test_search_index_contract import (
    T0,
    _engine_on_empty_tables,
    make_user,
    make_video,
)

HOUR = timedelta(hours=1)


@dataclasses.dataclass(frozen=True)
class Adapters:
    uow: UnitOfWorkFactory
    hashtags: HashtagQueries
    dialect: str


@pytest.fixture
async def adapters(storage_url: str | None) -> AsyncIterator[Adapters]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Adapters(lambda: MemoryUnitOfWork(store), MemoryHashtagQueries(store), "memory")
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    try:
        yield Adapters(
            SqlUnitOfWorkFactory(engine), SqlHashtagQueries(engine, reader), engine.dialect.name
        )
    finally:
        await reader.close()
        await engine.dispose()


async def views(adapters: Adapters, *counts: tuple[object, object, int]) -> None:
    async with adapters.uow() as uow:
        for video_id, hour, n in counts:
            for _ in range(n):
                await uow.watches.count_view(video_id, hour)  # type: ignore[arg-type]
        await uow.commit()


async def refresh(adapters: Adapters, since: object = T0, size: int = 20) -> list[TrendingHashtag]:
    async with adapters.uow() as uow:
        await uow.watches.refresh_trending(since, size)  # type: ignore[arg-type]
        await uow.commit()
    return list(await adapters.hashtags.trending())


async def test_trending_ranks_hashtags_by_views_in_the_window(adapters: Adapters) -> None:
    owner = make_user("owner")
    cats = make_video(owner, "#cats #pets")
    more_cats = make_video(owner, "#cats")
    dogs = make_video(owner, "#dogs #pets")
    hidden = make_video(owner, "#secret", visibility=Visibility.PRIVATE)
    async with adapters.uow() as uow:
        await uow.users.add(owner)
        for video in (cats, more_cats, dogs, hidden):
            await uow.videos.add(video)
        await uow.commit()
    await views(
        adapters,
        (cats.id, T0, 2),
        (more_cats.id, T0 + HOUR, 3),
        (dogs.id, T0, 4),
        (dogs.id, T0 - HOUR, 50),  # before the window
        (hidden.id, T0, 99),  # not public
    )

    trending = await refresh(adapters)

    assert trending == [
        TrendingHashtag("pets", video_count=2, recent_views=6),
        TrendingHashtag("cats", video_count=2, recent_views=5),
        TrendingHashtag("dogs", video_count=1, recent_views=4),
    ]
    assert [t.tag for t in await refresh(adapters, size=2)] == ["pets", "cats"]
    assert await refresh(adapters, since=T0 + 2 * HOUR) == []


async def test_equal_views_trend_in_tag_order(adapters: Adapters) -> None:
    owner = make_user("owner")
    video = make_video(owner, "#zebra #apple #mango")
    async with adapters.uow() as uow:
        await uow.users.add(owner)
        await uow.videos.add(video)
        await uow.commit()
    await views(adapters, (video.id, T0, 1))

    assert [t.tag for t in await refresh(adapters)] == ["apple", "mango", "zebra"]


async def test_hashtag_video_count_counts_public_ready_videos(adapters: Adapters) -> None:
    owner = make_user("owner")
    async with adapters.uow() as uow:
        await uow.users.add(owner)
        await uow.videos.add(make_video(owner, "#beach"))
        await uow.videos.add(make_video(owner, "#beach #sun"))
        await uow.videos.add(make_video(owner, "#beach", visibility=Visibility.UNLISTED))
        await uow.commit()

    assert await adapters.hashtags.video_count("beach") == 2
    assert await adapters.hashtags.video_count("sun") == 1
    assert await adapters.hashtags.video_count("snow") == 0


async def test_a_watch_replaces_the_viewers_earlier_watch_and_old_ones_are_forgotten(
    adapters: Adapters,
) -> None:
    owner, viewer = make_user("owner"), make_user("viewer")
    first, second = make_video(owner, "one"), make_video(owner, "two")
    async with adapters.uow() as uow:
        await uow.users.add(owner)
        await uow.users.add(viewer)
        await uow.videos.add(first)
        await uow.videos.add(second)
        await uow.watches.record_watch(Watch(viewer.id, first.id, T0, 500, None))
        await uow.watches.record_watch(Watch(viewer.id, first.id, T0 + HOUR, 9000, True))
        await uow.watches.record_watch(Watch(viewer.id, second.id, T0 + 3 * HOUR, None, False))
        await uow.commit()
    await views(adapters, (first.id, T0, 1), (first.id, T0 + 3 * HOUR, 1))

    async with adapters.uow() as uow:
        watches_gone = await uow.watches.forget_watches_before(T0 + 2 * HOUR, 10)
        hours_gone = await uow.watches.forget_view_hours_before(T0 + 2 * HOUR, 10)
        again = await uow.watches.forget_watches_before(T0 + 2 * HOUR, 10)
        await uow.commit()

    assert (watches_gone, hours_gone, again) == (1, 1, 0)  # the replaced watch was one row
    await views(adapters, (first.id, T0 + 3 * HOUR, 1))
    async with adapters.uow() as uow:
        assert await uow.watches.forget_view_hours_before(T0 + 4 * HOUR, 10) == 1
        assert await uow.watches.forget_watches_before(T0 + 4 * HOUR, 10) == 1
        await uow.commit()


async def test_forgetting_takes_at_most_the_limit(adapters: Adapters) -> None:
    owner = make_user("owner")
    videos = [make_video(owner, f"v{i}") for i in range(5)]
    async with adapters.uow() as uow:
        await uow.users.add(owner)
        for video in videos:
            await uow.videos.add(video)
            await uow.watches.record_watch(Watch(owner.id, video.id, T0, 1, None))
        await uow.commit()

    async with adapters.uow() as uow:
        assert await uow.watches.forget_watches_before(T0 + HOUR, 3) == 3
        assert await uow.watches.forget_watches_before(T0 + HOUR, 3) == 2
        await uow.commit()


async def test_deleting_a_video_deletes_its_watches_and_view_counts(adapters: Adapters) -> None:
    owner = make_user("owner")
    video = make_video(owner, "#gone")
    async with adapters.uow() as uow:
        await uow.users.add(owner)
        await uow.videos.add(video)
        await uow.watches.record_watch(Watch(owner.id, video.id, T0, 1, True))
        await uow.commit()
    await views(adapters, (video.id, T0, 3))

    async with adapters.uow() as uow:
        await uow.videos.delete(video.id)
        await uow.commit()

    assert await refresh(adapters) == []
    async with adapters.uow() as uow:
        assert await uow.watches.forget_watches_before(T0 + HOUR, 10) == 0
        assert await uow.watches.forget_view_hours_before(T0 + HOUR, 10) == 0


@pytest.mark.postgres
async def test_postgres_trending_refresh_reads_the_hour_index(
    own_postgres_engine: AsyncEngine,
) -> None:
    engine = own_postgres_engine  # it ANALYZEs what it loads
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    owner = make_user("owner")
    async with SqlUnitOfWorkFactory(engine)() as uow:
        await uow.users.add(owner)
        for i in range(50):
            await uow.videos.add(make_video(owner, f"#tag{i % 7} #other{i % 3}"))
        await uow.commit()
    async with engine.begin() as connection:  # 50 videos x 400 hours of counted views
        await connection.exec_driver_sql(
            "INSERT INTO video_view_hours (video_id, hour, views)"
            " SELECT v.id, %(t0)s::timestamptz - h * interval '1 hour', 1 + h %% 5"
            " FROM videos AS v, generate_series(0, 399) AS h",
            {"t0": T0},
        )
        await connection.exec_driver_sql("ANALYZE")
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with SqlUnitOfWorkFactory(engine)() as uow:
            await uow.watches.refresh_trending(T0 - 23 * HOUR, 20)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    (insert,) = [(s, p) for s, p in statements if s.lstrip().upper().startswith("INSERT")]
    async with engine.connect() as connection:
        rows = await connection.exec_driver_sql("EXPLAIN " + insert[0], insert[1])
        plan = "\n".join(row[0] for row in rows)

    assert "ix_video_view_hours_hour" in plan, plan


async def test_moderated_videos_and_suspended_authors_neither_trend_nor_count(
    adapters: Adapters,
) -> None:
    shown, suspended = make_user("shown"), make_user("suspended")
    visible = make_video(shown, "#topic fine")
    removed = make_video(shown, "#topic gone")
    pending = make_video(shown, "#topic waiting")
    by_suspended = make_video(suspended, "#topic #banned")
    async with adapters.uow() as uow:
        await uow.users.add(shown)
        await uow.users.add(suspended)
        for video in (visible, removed, pending, by_suspended):
            await uow.videos.add(video)
        await uow.videos.set_moderation(removed.id, ModerationState.REMOVED, "spam")
        await uow.videos.set_moderation(pending.id, ModerationState.PENDING_REVIEW, None)
        await uow.users.set_suspended(suspended.id, T0)
        await uow.commit()
    await views(
        adapters,
        (visible.id, T0, 1),
        (removed.id, T0, 5),
        (pending.id, T0, 5),
        (by_suspended.id, T0, 9),
    )

    assert await refresh(adapters) == [TrendingHashtag("topic", video_count=1, recent_views=1)]
    assert await adapters.hashtags.video_count("topic") == 1
    assert await adapters.hashtags.video_count("banned") == 0
