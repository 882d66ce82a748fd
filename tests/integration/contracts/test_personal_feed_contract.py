"""What a signed-in viewer's For You leaves out (`PersonalFilter`), on every adapter (memory, SQLite,
PostgreSQL): their own videos, videos marked not interested, and videos watched to the end or for
at least half since the filter's time; in the ranked part and the older part alike."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import UUID

import pytest

from adapters.memory.social_queries import MemoryFeedQueries
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.social_queries import SqlFeedQueries
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from application.ports.feed_queries import FeedQueries, PersonalFilter
from application.ports.unit_of_work import UnitOfWorkFactory
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


@pytest.fixture
async def adapters(storage_url: str | None) -> AsyncIterator[Adapters]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Adapters(
            lambda: MemoryUnitOfWork(store), MemoryFeedQueries(store, MemoryVideoQueries(store))
        )
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    try:
        yield Adapters(SqlUnitOfWorkFactory(engine), SqlFeedQueries(engine, reader))
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
