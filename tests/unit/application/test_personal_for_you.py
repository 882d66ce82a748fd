"""The personalised For You on a synthetic world with known structure (memory adapters)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

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
from domain.users import User
from domain.videos import Caption, Video, VideoStatus, Visibility
from domain.watching import Watch
from tests.support.clock import ManualClock

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def user(name: str) -> User:
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


def video(owner: User, caption: str, hours_ago: float = 5, views: int = 100) -> Video:
    parsed = Caption.parse(caption)
    at = NOW - timedelta(hours=hours_ago)
    return Video(
        id=uuid4(),
        owner_id=owner.id,
        caption=parsed.text,
        hashtags=parsed.hashtags,
        visibility=Visibility.PUBLIC,
        status=VideoStatus.READY,
        content_type="video/mp4",
        size_bytes=1,
        storage_key=str(uuid4()),
        created_at=at,
        updated_at=at,
        published_at=at,
        duration_seconds=10.0,
        view_count=views,
        engagement_points=views,
    )


class World:
    def __init__(self) -> None:
        self.store = MemoryDatabase()
        self.clock = ManualClock(NOW)
        feeds = MemoryFeedQueries(self.store, MemoryVideoQueries(self.store))
        walks = PersonalWalks(
            feeds, MemoryTasteQueries(self.store), MemoryWalkStore(self.clock), Uuid7Generator()
        )
        self.feed = ForYouFeed(feeds, self.clock, walks)

    async def add(self, *items: User | Video) -> None:
        async with MemoryUnitOfWork(self.store) as uow:
            for item in items:
                if isinstance(item, User):
                    await uow.users.add(item)
                else:
                    await uow.videos.add(item)
            await uow.commit()

    async def completes(self, viewer: User, *videos: Video) -> None:
        async with MemoryUnitOfWork(self.store) as uow:
            for watched in videos:
                await uow.watches.record_watch(Watch(viewer.id, watched.id, NOW, 10_000, True))
            await uow.commit()

    async def not_interested(self, viewer: User, unwanted: Video) -> None:
        async with MemoryUnitOfWork(self.store) as uow:
            await uow.watches.mark_not_interested(viewer.id, unwanted.id, NOW)
            await uow.commit()

    async def walk(self, viewer: User | None, limit: int = 20) -> list[list[UUID]]:
        pages: list[list[UUID]] = []
        position: ForYouPosition | None = None
        for _ in range(100):
            page = await self.feed.execute(
                ForYouQuery(limit=limit, position=position, viewer_id=viewer.id if viewer else None)
            )
            pages.append([view.video.id for view in page.items])
            if page.next_key is None:
                return pages
            position = page.next_key
        raise AssertionError("the walk did not end")


async def test_a_viewer_who_completes_cats_clips_gets_unseen_cats_clips_first() -> None:
    world = World()
    viewer, seen_creator = user("viewer"), user("seen")
    creators = [user(f"creator{i}") for i in range(6)]
    watched = [video(seen_creator, "#cats purring", hours_ago=2) for _ in range(3)]
    cats = [video(c, "#cats again") for c in creators[:3]]
    dogs = [video(c, "#dogs again") for c in creators[3:]]
    await world.add(viewer, seen_creator, *creators, *watched, *cats, *dogs)
    await world.completes(viewer, *watched)

    page = (await world.walk(viewer))[0]
    anonymous = [i for p in await world.walk(None) for i in p]

    assert set(page[:3]) == {v.id for v in cats}
    assert set(page[3:]) == {v.id for v in dogs}
    assert not {v.id for v in watched} & set(page)  # watched to the end: gone from a new walk
    assert {v.id for v in watched} <= set(anonymous)


async def test_not_interested_removes_the_video_for_good_and_lowers_its_creator() -> None:
    world = World()
    viewer, disliked, other = user("viewer"), user("disliked"), user("other")
    unwanted = video(disliked, "#news one", hours_ago=4)
    more_of_them = video(disliked, "#news two")
    comparable = video(other, "#news three")
    await world.add(viewer, disliked, other, unwanted, more_of_them, comparable)
    await world.not_interested(viewer, unwanted)

    page = (await world.walk(viewer))[0]

    assert page == [comparable.id, more_of_them.id]


async def test_at_most_two_videos_of_a_creator_per_page_the_rest_later() -> None:
    world = World()
    viewer, prolific = user("viewer"), user("prolific")
    others = [user(f"other{i}") for i in range(3)]
    many = [video(prolific, f"clip {i}", views=1000) for i in range(7)]
    few = [video(o, "clip", views=10 + i) for i, o in enumerate(others)]
    await world.add(viewer, prolific, *others, *many, *few)

    pages = await world.walk(viewer, limit=4)
    shown = [i for page in pages for i in page]

    assert sorted(shown) == sorted(v.id for v in (*many, *few))  # each exactly once
    owners = {v.id: v.owner_id for v in (*many, *few)}
    for page in pages:
        assert max(Counter(owners[i] for i in page).values(), default=0) <= 2


async def test_about_one_in_five_items_is_a_fresh_video_with_few_views() -> None:
    world = World()
    viewer = user("viewer")
    creators = [user(f"creator{i}") for i in range(10)]
    popular = [video(c, "popular", hours_ago=60, views=5000) for c in creators]
    fresh = [video(c, "new", hours_ago=1, views=0) for c in creators[:2]]
    await world.add(viewer, *creators, *popular, *fresh)

    (page, *_) = await world.walk(viewer, limit=10)

    assert page[4] in {v.id for v in fresh}
    assert page[9] in {v.id for v in fresh}


async def test_a_walk_goes_on_past_an_expired_head() -> None:
    world = World()
    viewer = user("viewer")
    creators = [user(f"creator{i}") for i in range(5)]
    clips = [video(c, "clip", hours_ago=1 + i) for i, c in enumerate(creators)]
    old = video(creators[0], "old", hours_ago=24 * 9)
    await world.add(viewer, *creators, *clips, old)

    first = await world.feed.execute(ForYouQuery(limit=2, viewer_id=viewer.id))
    world.clock.advance(timedelta(hours=7))  # the pinned head expired
    assert first.next_key is not None
    rest = await world.feed.execute(
        ForYouQuery(limit=20, position=first.next_key, viewer_id=viewer.id)
    )

    assert [v.video.id for v in rest.items] == [old.id]
    assert dataclasses.replace(first.next_key, page=0).walk_id is not None


async def test_videos_of_followed_accounts_and_fresh_ones_join_the_head_and_never_repeat() -> None:
    world = World()
    viewer, followed, newcomer = user("viewer"), user("followed"), user("newcomer")
    crowd = [user(f"crowd{i}") for i in range(4)]
    # More popular videos than the head holds, so that the followed and fresh ones rank beyond it.
    popular = [
        video(c, f"hit {i}", hours_ago=1 + i % 5, views=10_000) for i, c in enumerate(crowd * 80)
    ]
    quiet_followed = video(followed, "my friend", hours_ago=100, views=30)
    fresh = video(newcomer, "first upload", hours_ago=1, views=0)
    await world.add(viewer, followed, newcomer, *crowd, *popular, quiet_followed, fresh)
    async with MemoryUnitOfWork(world.store) as uow:
        await uow.follows.add(viewer.id, followed.id, NOW)
        await uow.commit()

    pages = await world.walk(viewer, limit=20)
    shown = [i for page in pages for i in page]

    assert quiet_followed.id in pages[0]  # 4 creators, 2 each: the head has room for it
    assert fresh.id in pages[0][:5]  # the first exploration slot
    assert len(shown) == len(set(shown))
    assert set(shown) == {v.id for v in (*popular, quiet_followed, fresh)}
