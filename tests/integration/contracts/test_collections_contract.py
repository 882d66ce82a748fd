"""One contract suite for what a mobile client needs, run on every adapter (memory, SQLite,
PostgreSQL): saves (write side) and the saved and liked lists and who liked a video
(`CollectionQueries`), the viewer's flags on every view (saved, follows the author or the listed
user), share counts, top comments and the pinned comment.

The SQL-only and PostgreSQL-only checks at the end cover what the memory adapter cannot have
(foreign keys, the unique index of pinned comments, statements per call, the indexes read).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.collection_queries import MemoryCollectionQueries
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.collection_queries import SqlCollectionQueries
from adapters.sqlalchemy.tables import comments as comments_table
from application.ports.collection_queries import CollectedVideo, CollectionQueries, Liker
from application.ports.comment_queries import CommentView
from application.ports.video_queries import PublicVideoFilter
from application.users.delete_account import remove_account
from domain.comments import Comment
from domain.errors import NotFound
from domain.users import User
from domain.videos import Video, VideoStatus, Visibility
from tests.integration.conftest import _engine_on_empty_tables
from tests.integration.contracts.test_social_repository_contract import (
    WALK_LIMITS,
    Social,
    add,
    comment,
    follow,
    get_video,
    like_comment,
    like_video,
    memory_social,
    sql_social,
    walk,
)
from tests.support.builders import at, make_user, make_video


@dataclasses.dataclass(frozen=True)
class Mobile:
    """The social adapters of one storage and its collection queries."""

    social: Social
    collections: CollectionQueries


@pytest.fixture
async def m(storage_url: str | None) -> AsyncIterator[Mobile]:
    if storage_url is None:
        social = memory_social()
        videos = social.videos
        assert isinstance(videos, MemoryVideoQueries)
        yield Mobile(social, MemoryCollectionQueries(videos._store, videos))
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    try:
        yield Mobile(sql_social(engine, reader), SqlCollectionQueries(engine, reader))
    finally:
        await reader.close()
        await engine.dispose()


async def save(m: Mobile, user: User, video: Video, seconds: float = 0) -> bool:
    async with m.social.uow() as uow:
        saved = await uow.saves.save(user.id, video.id, at(seconds))
        await uow.commit()
    return saved


async def unsave(m: Mobile, user: User, video: Video) -> bool:
    async with m.social.uow() as uow:
        removed = await uow.saves.unsave(user.id, video.id)
        await uow.commit()
    return removed


async def pin(m: Mobile, pinned: Comment, seconds: float = 0) -> None:
    async with m.social.uow() as uow:
        await uow.comments.pin(pinned.video_id, pinned.id, at(seconds))
        await uow.commit()


def collected_key(item: CollectedVideo) -> tuple[datetime, UUID]:
    return (item.collected_at, item.view.video.id)


# --- saves ---------------------------------------------------------------------------------------


async def test_saves_are_idempotent_keep_their_first_time_and_need_the_video(m: Mobile) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    video = make_video(ana)
    await add(m.social, ana, bob, video)

    assert await save(m, bob, video, 1) is True
    assert await save(m, bob, video, 2) is False
    listed = await m.collections.saved(bob.id, after=None, limit=10)
    assert [(c.view.video.id, c.collected_at) for c in listed] == [(video.id, at(1))]
    assert await unsave(m, bob, video) is True
    assert await unsave(m, bob, video) is False
    assert await m.collections.saved(bob.id, after=None, limit=10) == []

    with pytest.raises(NotFound):
        async with m.social.uow() as uow:
            await uow.saves.save(bob.id, uuid4(), at(3))
    async with m.social.uow() as uow:  # the unit of work goes on after the refusal
        with pytest.raises(NotFound):
            await uow.saves.save(bob.id, uuid4(), at(3))
        assert await uow.saves.save(bob.id, video.id, at(4)) is True
        await uow.commit()
    assert len(await m.collections.saved(bob.id, after=None, limit=10)) == 1


async def test_saves_go_with_their_video_and_with_the_saver(m: Mobile) -> None:
    ana, bob, cat = make_user("ana"), make_user("bob"), make_user("cat")
    kept, doomed = make_video(ana, 1), make_video(ana, 2)
    await add(m.social, ana, bob, cat, kept, doomed)
    for user in (bob, cat):
        for video in (kept, doomed):
            await save(m, user, video)
    async with m.social.uow() as uow:
        await uow.videos.delete(doomed.id)
        await uow.commit()
    assert [c.view.video.id for c in await m.collections.saved(bob.id, after=None, limit=9)] == [
        kept.id
    ]
    async with m.social.uow() as uow:
        await remove_account(uow, cat.id)
        await uow.commit()
    assert await m.collections.saved(cat.id, after=None, limit=9) == []
    assert len(await m.collections.saved(bob.id, after=None, limit=9)) == 1


@pytest.mark.parametrize("kind", ["saved", "liked"])
async def test_collections_are_newest_first_visible_only_and_walk_exactly(
    m: Mobile, kind: str
) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    public = [make_video(ana, i) for i in range(6)]
    unlisted = make_video(ana, 10, visibility=Visibility.UNLISTED)
    private = make_video(ana, 11, visibility=Visibility.PRIVATE)
    processing = make_video(ana, 12, status=VideoStatus.PROCESSING, published_at=None)
    own_private = make_video(bob, 13, visibility=Visibility.PRIVATE)
    everything = [*public, unlisted, private, processing, own_private]
    await add(m.social, ana, bob, *everything)
    # Several in the same instant: the video id breaks the tie.
    seconds = [5, 1, 1, 1, 3, 0.5, 2, 4, 6, 7]
    for video, when in zip(everything, seconds, strict=True):
        if kind == "saved":
            await save(m, bob, video, when)
        else:
            async with m.social.uow() as uow:
                await uow.likes.like_video(bob.id, video.id, at(when))
                await uow.commit()
    await follow(m.social, bob, ana)
    listing = m.collections.saved if kind == "saved" else m.collections.liked

    visible = {v.id for v in (*public, unlisted, own_private)}
    expected = sorted(
        (
            (at(when), video.id)
            for video, when in zip(everything, seconds, strict=True)
            if video.id in visible
        ),
        reverse=True,
    )
    listed = await listing(bob.id, after=None, limit=100)
    assert [collected_key(c) for c in listed] == expected
    first = listed[0].view
    assert (first.liked_by_me, first.saved_by_me) == (kind == "liked", kind == "saved")
    assert [c.view.follows_author for c in listed] == [
        c.view.video.owner_id == ana.id for c in listed
    ]
    stored = {v.id: await get_video(m.social, v.id) for v in everything}
    assert all(c.view.video == stored[c.view.video.id] for c in listed)
    for limit in WALK_LIMITS:

        async def page(after: Any, limit: int) -> Sequence[CollectedVideo]:
            return await listing(bob.id, after=after, limit=limit)

        walked = await walk(page, collected_key, limit)
        assert [collected_key(c) for c in walked] == expected
    assert await listing(ana.id, after=None, limit=100) == []


# --- who liked ------------------------------------------------------------------------------------


async def test_likers_are_newest_first_with_the_viewers_follow_flag(m: Mobile) -> None:
    ana = make_user("ana")
    fans = [make_user(f"fan{i}") for i in range(7)]
    video, other = make_video(ana), make_video(ana, 1)
    await add(m.social, ana, *fans, video, other)
    seconds = [3, 1, 1, 1, 2, 0, 4]
    for fan, when in zip(fans, seconds, strict=True):
        async with m.social.uow() as uow:
            await uow.likes.like_video(fan.id, video.id, at(when))
            await uow.commit()
    await like_video(m.social, fans[0], other)
    await follow(m.social, ana, fans[2])

    def key(liker: Liker) -> tuple[datetime, UUID]:
        return (liker.liked_at, liker.user.id)

    expected = sorted(
        ((at(when), fan.id) for fan, when in zip(fans, seconds, strict=True)), reverse=True
    )
    listed = await m.collections.likers(video.id, ana.id, after=None, limit=100)
    assert [key(x) for x in listed] == expected
    assert {x.user.id for x in listed if x.is_following} == {fans[2].id}
    names = {fan.id: fan.username for fan in fans}
    assert all(x.user.username == names[x.user.id] for x in listed)
    for limit in WALK_LIMITS:

        async def page(after: Any, limit: int) -> Sequence[Liker]:
            return await m.collections.likers(video.id, ana.id, after=after, limit=limit)

        assert [key(x) for x in await walk(page, key, limit)] == expected


# --- the viewer's flags on every view ---------------------------------------------------------------


async def test_every_view_says_whether_the_viewer_saved_it_and_follows_its_author(
    m: Mobile,
) -> None:
    ana, bob, cat = make_user("ana"), make_user("bob"), make_user("cat")
    video = make_video(ana, 1, caption="hi #tag", hashtags=("tag",))
    await add(m.social, ana, bob, cat, video)
    await follow(m.social, bob, ana)
    await follow(m.social, cat, bob)
    await save(m, bob, video)
    said = await comment(m.social, cat, video, 2)
    s = m.social

    async def video_flags(viewer: User | None) -> set[tuple[bool | None, bool | None]]:
        viewer_id = None if viewer is None else viewer.id
        views = [
            await s.videos.get_view(video.id, viewer_id),
            *await s.videos.list_public(PublicVideoFilter(), viewer_id, after=None, limit=5),
            *await s.videos.list_public(PublicVideoFilter("tag"), viewer_id, after=None, limit=5),
            *await s.videos.list_by_owner(
                ana.id, viewer_id, include_unlisted=False, after=None, limit=5
            ),
            *await s.feeds.older(viewer_id, until=at(100), after=None, limit=5),
            *[
                r.view
                for r in await s.feeds.ranked(
                    viewer_id, snapshot=at(100), since=at(0), after=None, limit=5
                )
            ],
        ]
        if viewer_id is not None:
            views += await s.feeds.following(viewer_id, after=None, limit=5)
        return {(v.saved_by_me, v.follows_author) for v in views if v is not None}

    assert await video_flags(bob) == {(True, True)}
    assert await video_flags(cat) == {(False, False)}
    assert await video_flags(None) == {(None, None)}

    async def comment_flags(viewer: User | None) -> set[bool | None]:
        viewer_id = None if viewer is None else viewer.id
        views: list[CommentView | None] = [
            await s.comments.get_view(said.id, viewer_id),
            *await s.comments.top_level(video.id, viewer_id, after=None, limit=5),
            *await s.comments.top_level(video.id, viewer_id, sort="top", after=None, limit=5),
        ]
        return {v.follows_author for v in views if v is not None}

    assert await comment_flags(bob) == {False}
    await follow(m.social, bob, cat)
    assert await comment_flags(bob) == {True}
    assert await comment_flags(None) == {None}

    followers = await s.follows.followers(ana.id, cat.id, after=None, limit=5)
    assert [(e.user.id, e.is_following) for e in followers] == [(bob.id, True)]
    following = await s.follows.following(bob.id, ana.id, after=None, limit=5)
    assert {(e.user.id, e.is_following) for e in following} == {(ana.id, False), (cat.id, False)}
    anonymous = await s.follows.following(bob.id, None, after=None, limit=5)
    assert {e.is_following for e in anonymous} == {None}


# --- shares ---------------------------------------------------------------------------------------


async def test_share_counts_add_relative_increments_that_save_keeps(m: Mobile) -> None:
    ana = make_user("ana")
    video = make_video(ana)
    await add(m.social, ana, video)
    for _ in range(3):
        async with m.social.uow() as uow:
            await uow.videos.add_share(video.id)
            await uow.commit()
    async with m.social.uow() as uow:
        stale = await uow.videos.get(video.id)
        await uow.videos.add_share(uuid4())  # a video that does not exist: nothing happens
        assert stale is not None
        assert await uow.videos.save(
            dataclasses.replace(stale, caption="edited", share_count=0),
            expected_status=VideoStatus.READY,
        )
        await uow.commit()
    stored = await get_video(m.social, video.id)
    assert stored is not None
    assert (stored.share_count, stored.caption) == (3, "edited")
    view = await m.social.videos.get_view(video.id, None)
    assert view is not None
    assert view.video.share_count == 3


# --- top comments and the pinned comment -----------------------------------------------------------


async def test_top_comments_are_most_liked_then_newest_and_walk_exactly(m: Mobile) -> None:
    ana = make_user("ana")
    likers = [make_user(f"liker{i}") for i in range(3)]
    video = make_video(ana)
    await add(m.social, ana, *likers, video)
    made = [await comment(m.social, ana, video, seconds) for seconds in (1, 2, 2, 3, 4, 5, 6)]
    likes = [2, 0, 2, 3, 0, 1, 2]
    for said, count in zip(made, likes, strict=True):
        for liker in likers[:count]:
            await like_comment(m.social, liker, said)
    reply = await comment(m.social, likers[0], video, 7, parent=made[0])
    for liker in likers:
        await like_comment(m.social, liker, reply)

    def key(view: CommentView) -> tuple[int, datetime, UUID]:
        return (view.comment.like_count, view.comment.created_at, view.comment.id)

    expected = sorted(
        ((count, said.created_at, said.id) for said, count in zip(made, likes, strict=True)),
        reverse=True,
    )
    listed = await m.social.comments.top_level(video.id, None, sort="top", after=None, limit=100)
    assert [key(v) for v in listed] == expected
    for limit in WALK_LIMITS:

        async def page(after: Any, limit: int) -> Sequence[CommentView]:
            return await m.social.comments.top_level(
                video.id, likers[0].id, sort="top", after=after, limit=limit
            )

        assert [key(v) for v in await walk(page, key, limit)] == expected


async def test_one_pinned_comment_per_video_left_out_of_the_lists(m: Mobile) -> None:
    ana, bob = make_user("ana"), make_user("bob")
    video, other = make_video(ana), make_video(ana, 1)
    await add(m.social, ana, bob, video, other)
    first, second, third = [await comment(m.social, bob, video, s) for s in (1, 2, 3)]
    elsewhere = await comment(m.social, bob, other, 4)
    assert await m.social.comments.pinned(video.id, None) is None

    await pin(m, first, 10)
    await pin(m, elsewhere, 11)
    pinned = await m.social.comments.pinned(video.id, bob.id)
    assert pinned is not None
    assert (pinned.comment.id, pinned.comment.pinned_at, pinned.follows_author) == (
        first.id,
        at(10),
        False,
    )
    for sort in ("newest", "top"):
        listed = await m.social.comments.top_level(video.id, None, sort=sort, after=None, limit=9)
        assert {v.comment.id for v in listed} == {second.id, third.id}

    await pin(m, second, 12)  # unpins the first
    await pin(m, second, 13)  # again: keeps its time
    pinned = await m.social.comments.pinned(video.id, None)
    assert pinned is not None
    assert (pinned.comment.id, pinned.comment.pinned_at) == (second.id, at(12))
    async with m.social.uow() as uow:
        stored_first = await uow.comments.get(first.id)
        assert stored_first is not None
        assert not stored_first.pinned
        assert await uow.comments.unpin(second.id) is True
        assert await uow.comments.unpin(second.id) is False
        await uow.commit()
    assert await m.social.comments.pinned(video.id, None) is None
    other_pinned = await m.social.comments.pinned(other.id, None)
    assert other_pinned is not None
    assert other_pinned.comment.id == elsewhere.id


# --- SQL only ---------------------------------------------------------------------------------------


async def test_the_schema_refuses_a_second_pinned_comment_on_a_video(
    sql_engine: AsyncEngine,
) -> None:
    social = sql_social(sql_engine)
    ana = make_user("ana")
    video = make_video(ana)
    await add(social, ana, video)
    first, second = await comment(social, ana, video, 1), await comment(social, ana, video, 2)
    async with sql_engine.begin() as connection:
        await connection.execute(
            update(comments_table).where(comments_table.c.id == first.id).values(pinned_at=at(3))
        )
    with pytest.raises(IntegrityError):
        async with sql_engine.begin() as connection:
            await connection.execute(
                update(comments_table)
                .where(comments_table.c.id == second.id)
                .values(pinned_at=at(4))
            )


@pytest.fixture
async def wide_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine whose pool holds 8 concurrent transactions."""
    engine = await _engine_on_empty_tables(postgres_url, pool_size=8)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_postgres_concurrent_pins_of_a_videos_comments_leave_one_pinned(
    wide_engine: AsyncEngine,
) -> None:
    social = sql_social(wide_engine)
    ana = make_user("ana")
    video = make_video(ana)
    await add(social, ana, video)
    made = [await comment(social, ana, video, s) for s in range(8)]
    all_inside = asyncio.Barrier(len(made))

    async def attempt(chosen: Comment) -> None:
        async with social.uow() as uow:
            await all_inside.wait()  # 8 open transactions pin 8 comments of one video at once
            await uow.comments.pin(video.id, chosen.id, at(100))
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(*(attempt(c) for c in made)), timeout=10)

    async with social.uow() as uow:
        stored = [await uow.comments.get(c.id) for c in made]
    assert sum(1 for c in stored if c is not None and c.pinned) == 1


@pytest.mark.postgres
async def test_postgres_each_collection_query_is_one_statement_reading_its_index(
    postgres_engine: AsyncEngine,
) -> None:
    m = Mobile(sql_social(postgres_engine), SqlCollectionQueries(postgres_engine))
    viewer, star = make_user("viewer"), make_user("star")
    fans = [make_user(f"fan{i:02}") for i in range(20)]
    videos = [make_video(star, i) for i in range(20)]
    await add(m.social, viewer, star, *fans, *videos)
    async with m.social.uow() as uow:
        for i, video in enumerate(videos):
            await uow.saves.save(viewer.id, video.id, at(i))
            await uow.likes.like_video(viewer.id, video.id, at(i))
            await uow.likes.like_video(fans[i].id, videos[0].id, at(i))
            await uow.follows.add(star.id, fans[i].id, at(i))
        await uow.commit()
    made = [await comment(m.social, fan, videos[0], i) for i, fan in enumerate(fans)]
    await pin(m, made[0])

    calls: list[tuple[str, Callable[[int], Awaitable[Sequence[Any]]]]] = [
        ("saved", lambda n: m.collections.saved(viewer.id, after=None, limit=n)),
        ("liked", lambda n: m.collections.liked(viewer.id, after=None, limit=n)),
        ("likers", lambda n: m.collections.likers(videos[0].id, star.id, after=None, limit=n)),
        (
            "top",
            lambda n: m.social.comments.top_level(
                videos[0].id, viewer.id, sort="top", after=None, limit=n
            ),
        ),
    ]
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    recorded: dict[str, tuple[str, Any]] = {}
    event.listen(postgres_engine.sync_engine, "before_cursor_execute", record)
    try:
        for name, call in calls:
            for size in (1, 19):
                statements.clear()
                assert len(await call(size)) == size, name
                assert len(statements) == 1, (name, size, statements)
                recorded[name] = statements[0]
        statements.clear()
        assert await m.social.comments.pinned(videos[0].id, viewer.id) is not None
        assert len(statements) == 1
        recorded["pinned"] = statements[0]
    finally:
        event.remove(postgres_engine.sync_engine, "before_cursor_execute", record)

    plans = {}
    async with postgres_engine.connect() as connection:
        # Statistics of these rows, as a served database has (inside this transaction, rolled
        # back: other suites' plans keep theirs). Without them the planner guesses that almost no
        # video passes the visibility rule's filters and may start from the videos instead.
        await connection.exec_driver_sql("ANALYZE")
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        await connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        for name, (statement, parameters) in recorded.items():
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans[name] = "\n".join(row[0] for row in rows)
    assert "ix_video_saves_user_id_created_at_video_id" in plans["saved"], plans["saved"]
    assert "ix_video_likes_user_id_created_at_video_id" in plans["liked"], plans["liked"]
    assert "ix_video_likes_video_id_created_at_user_id" in plans["likers"], plans["likers"]
    assert "ix_comments_video_id_like_count_created_at_id" in plans["top"], plans["top"]
    assert "ix_comments_pinned_video_id" in plans["pinned"], plans["pinned"]
    for name in ("saved", "liked", "likers", "top"):
        assert "Sort" not in plans[name], plans[name]
    # The flags probe primary keys, never scan.
    for name, plan in plans.items():
        assert "Seq Scan" not in plan, (name, plan)
