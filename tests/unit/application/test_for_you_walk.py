"""Property: a signed-in (personalised) For You walk never repeats, always ends, shows exactly the
videos its filters leave in (own, not interested and watched videos out), and holds at most 2
videos of a creator on a page of its personalised head, whatever the page sizes."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.social_queries import MemoryFeedQueries
from adapters.memory.store import MemoryDatabase
from adapters.memory.taste import MemoryTasteQueries
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.memory.walks import MemoryWalkStore
from adapters.system import Uuid7Generator
from application.social.feed_position import ForYouPosition
from application.social.feeds import ForYouFeed, ForYouQuery
from application.social.personal_feed import PersonalWalks
from domain.taste import PER_CREATOR
from domain.users import User
from domain.videos import Video, VideoStatus, Visibility
from domain.watching import Watch
from tests.support.clock import ManualClock

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

video_specs = st.lists(
    st.tuples(
        st.integers(0, 2),  # owner: 0 is the viewer
        st.integers(0, 24 * 14),  # published hours ago (some beyond the ranked week)
        st.integers(0, 50),  # engagement points
        st.sampled_from(["none", "not_interested", "completed", "half", "skip", "old_watch"]),
    ),
    max_size=25,
)


def _user(name: str) -> User:
    return User(
        id=uuid4(),
        username=name,
        email=f"{name}@example.com",
        password_hash="x",
        display_name=None,
        bio=None,
        avatar_url=None,
        created_at=NOW,
        updated_at=NOW,
    )


async def _walk(
    specs: list[tuple[int, int, int, str]], sizes: list[int]
) -> tuple[list[UUID], set[UUID]]:
    store = MemoryDatabase()
    users = [_user(f"user{i}") for i in range(3)]
    viewer = users[0]
    eligible: set[UUID] = set()
    async with MemoryUnitOfWork(store) as uow:
        for user in users:
            await uow.users.add(user)
        for owner, hours, points, signal in specs:
            published = NOW - timedelta(hours=hours)
            video = Video(
                id=uuid4(),
                owner_id=users[owner].id,
                caption="",
                hashtags=(),
                visibility=Visibility.PUBLIC,
                status=VideoStatus.READY,
                content_type="video/mp4",
                size_bytes=1,
                storage_key=str(uuid4()),
                created_at=published,
                updated_at=published,
                published_at=published,
                duration_seconds=10.0,
            )
            await uow.videos.add(dataclasses.replace(video, engagement_points=points))
            watch = {
                "completed": (NOW, None, True),
                "half": (NOW, 5000, None),
                "skip": (NOW, 100, False),
                "old_watch": (NOW - timedelta(days=8), 10_000, True),
            }.get(signal)
            if watch is not None:
                at, watched_ms, completed = watch
                await uow.watches.record_watch(
                    Watch(viewer.id, video.id, at, watched_ms, completed)
                )
            if signal == "not_interested":
                await uow.watches.mark_not_interested(viewer.id, video.id, NOW)
            left_out = owner == 0 or signal in {"not_interested", "completed", "half"}
            if not left_out:
                eligible.add(video.id)
        await uow.commit()
    clock = ManualClock(NOW)
    feeds = MemoryFeedQueries(store, MemoryVideoQueries(store))
    walks = PersonalWalks(
        feeds, MemoryTasteQueries(store), MemoryWalkStore(clock), Uuid7Generator()
    )
    feed = ForYouFeed(feeds, clock, walks)
    week = {
        v.id
        for v in store.state.videos.values()
        if v.published_at and v.published_at > NOW - timedelta(days=7)
    }
    owners = {v.id: v.owner_id for v in store.state.videos.values()}
    seen: list[UUID] = []
    position: ForYouPosition | None = None
    for page_number in range(200):
        limit = sizes[page_number % len(sizes)]
        page = await feed.execute(ForYouQuery(limit=limit, position=position, viewer_id=viewer.id))
        assert len(page.items) <= limit
        ids = [view.video.id for view in page.items]
        if set(ids) <= week:  # the personalised head: at most 2 of a creator per page
            assert max(Counter(owners[i] for i in ids).values(), default=0) <= PER_CREATOR
        seen += ids
        if page.next_key is None:
            return seen, eligible
        position = page.next_key
    raise AssertionError("the walk did not end")


@settings(max_examples=60, deadline=None)
@given(specs=video_specs, sizes=st.lists(st.integers(1, 7), min_size=1, max_size=4))
def test_a_signed_in_walk_shows_each_eligible_video_exactly_once_and_ends(
    specs: list[tuple[int, int, int, str]], sizes: list[int]
) -> None:
    seen, eligible = asyncio.run(_walk(specs, sizes))

    assert len(seen) == len(set(seen))
    assert set(seen) == eligible
