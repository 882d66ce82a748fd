"""One contract suite for follows, likes and comments (write side) and the follower lists, comment
lists and feeds (read side), run on every adapter (memory, SQLite, PostgreSQL): the SQL adapters
must behave exactly like the in-memory reference ones.

The SQL-only and PostgreSQL-only checks at the end cover what the memory adapter cannot have
(foreign keys, constraints, partial indexes, concurrent transactions, statements per call).
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.social_queries import (
    MemoryCommentQueries,
    MemoryFeedQueries,
    MemoryFollowQueries,
)
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.engine import _configure_sqlite_connection
from adapters.sqlalchemy.select_runner import SelectRunner
from adapters.sqlalchemy.social_queries import SqlCommentQueries, SqlFeedQueries, SqlFollowQueries
from adapters.sqlalchemy.tables import comment_likes as comment_likes_table
from adapters.sqlalchemy.tables import comments as comments_table
from adapters.sqlalchemy.tables import follows as follows_table
from adapters.sqlalchemy.tables import users as users_table
from adapters.sqlalchemy.tables import video_likes as video_likes_table
from adapters.sqlalchemy.tables import videos as videos_table
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from adapters.sqlalchemy.video_queries import SqlVideoQueries
from application.ports.comment_queries import CommentQueries, CommentView
from application.ports.feed_queries import FeedQueries, PersonalFilter, RankedVideo
from application.ports.follow_queries import FollowEntry, FollowQueries
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import PublicVideoFilter, VideoQueries, VideoView
from application.users.delete_account import remove_account
from domain.comments import Comment
from domain.errors import NotFound
from domain.ranking import COMMENT_POINTS, LIKE_POINTS, rank
from domain.users import User
from domain.videos import Video, VideoStatus, Visibility
from tests.integration.conftest import _engine_on_empty_tables
from tests.support.builders import T0, at, make_comment, make_user, make_video
from tests.support.waiting import until_waiting_on_locks

WALK_LIMITS = (1, 2, 7)
Item = TypeVar("Item")


# --- the adapters and a snapshot of every row ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Rows:
    """Every stored row that a counter counts, and the counters themselves."""

    users: dict[UUID, tuple[int, int, int, int]]  # follower, following, video, like counts
    videos: dict[UUID, tuple[UUID, bool, int, int]]  # owner, published, like, comment counts
    comments: dict[
        UUID, tuple[UUID, UUID | None, UUID, int, int]
    ]  # video, parent, author, replies, likes
    follows: set[tuple[UUID, UUID]]
    video_likes: set[tuple[UUID, UUID]]
    comment_likes: set[tuple[UUID, UUID]]


@dataclasses.dataclass(frozen=True)
class Social:
    """The adapters of one storage."""

    uow: UnitOfWorkFactory
    videos: VideoQueries
    follows: FollowQueries
    comments: CommentQueries
    feeds: FeedQueries
    rows: Callable[[], Awaitable[Rows]]


def memory_social(store: MemoryDatabase | None = None) -> Social:
    store = store or MemoryDatabase()
    video_queries = MemoryVideoQueries(store)

    async def rows() -> Rows:
        state = store.state
        return Rows(
            users={
                u.id: (u.follower_count, u.following_count, u.video_count, u.like_count)
                for u in state.users.values()
            },
            videos={
                v.id: (v.owner_id, v.is_published, v.like_count, v.comment_count)
                for v in state.videos.values()
            },
            comments={
                c.id: (c.video_id, c.parent_id, c.author_id, c.reply_count, c.like_count)
                for c in state.comments.values()
            },
            follows=set(state.follows),
            video_likes=set(state.video_likes),
            comment_likes=set(state.comment_likes),
        )

    return Social(
        uow=lambda: MemoryUnitOfWork(store),
        videos=video_queries,
        follows=MemoryFollowQueries(store),
        comments=MemoryCommentQueries(store),
        feeds=MemoryFeedQueries(store, video_queries),
        rows=rows,
    )


def sql_social(engine: AsyncEngine, reader: SelectRunner | None = None) -> Social:
    """The SQL adapters; the queries on `reader` (production's: a raw pool on PostgreSQL)."""

    async def rows() -> Rows:
        u, v, c = users_table.c, videos_table.c, comments_table.c
        async with engine.connect() as connection:

            async def all_rows(*columns: Any) -> list[Any]:
                return list(await connection.execute(select(*columns)))

            return Rows(
                users={
                    r[0]: tuple(r[1:])
                    for r in await all_rows(
                        u.id, u.follower_count, u.following_count, u.video_count, u.like_count
                    )
                },
                videos={
                    r.id: (r.owner_id, r.status == "ready" and r.visibility == "public", *r[4:])
                    for r in await all_rows(
                        v.id, v.owner_id, v.status, v.visibility, v.like_count, v.comment_count
                    )
                },
                comments={
                    r[0]: tuple(r[1:])
                    for r in await all_rows(
                        c.id, c.video_id, c.parent_id, c.author_id, c.reply_count, c.like_count
                    )
                },
                follows={tuple(r) for r in await all_rows(*follows_table.c[:2])},
                video_likes={tuple(r) for r in await all_rows(*video_likes_table.c[:2])},
                comment_likes={tuple(r) for r in await all_rows(*comment_likes_table.c[:2])},
            )

    return Social(
        uow=SqlUnitOfWorkFactory(engine),
        videos=SqlVideoQueries(engine, reader),
        follows=SqlFollowQueries(engine, reader),
        comments=SqlCommentQueries(engine, reader),
        feeds=SqlFeedQueries(engine, reader),
        rows=rows,
    )


@pytest.fixture
async def social(storage_url: str | None) -> AsyncIterator[Social]:
    if storage_url is None:
        yield memory_social()
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)
    try:
        yield sql_social(engine, reader)
    finally:
        await reader.close()
        await engine.dispose()


@pytest.fixture
def sql_social_adapters(sql_engine: AsyncEngine) -> Social:
    return sql_social(sql_engine)


# --- builders and actions (as the use cases do them) ----------------------------------------------


async def add(social: Social, *items: User | Video) -> None:
    async with social.uow() as uow:
        for item in items:
            if isinstance(item, User):
                await uow.users.add(item)
            else:
                await uow.videos.add(item)
                if item.is_published:
                    await uow.users.add_to_counters(item.owner_id, videos=1)
        await uow.commit()


async def follow(social: Social, follower: User, followee: User, seconds: float = 0) -> bool:
    async with social.uow() as uow:
        added = await uow.follows.add(follower.id, followee.id, at(seconds))
        if added:
            await uow.users.add_to_counters(followee.id, followers=1)
            await uow.users.add_to_counters(follower.id, following=1)
        await uow.commit()
    return added


async def unfollow(social: Social, follower: User, followee: User) -> bool:
    async with social.uow() as uow:
        removed = await uow.follows.remove(follower.id, followee.id)
        if removed:
            await uow.users.add_to_counters(followee.id, followers=-1)
            await uow.users.add_to_counters(follower.id, following=-1)
        await uow.commit()
    return removed


async def like_video(social: Social, user: User, video: Video) -> bool:
    async with social.uow() as uow:
        liked = await uow.likes.like_video(user.id, video.id, T0)
        if liked:
            await uow.videos.add_to_counters(video.id, likes=1, points=LIKE_POINTS)
            await uow.users.add_to_counters(video.owner_id, likes=1)
        await uow.commit()
    return liked


async def unlike_video(social: Social, user: User, video: Video) -> bool:
    async with social.uow() as uow:
        unliked = await uow.likes.unlike_video(user.id, video.id)
        if unliked:
            await uow.videos.add_to_counters(video.id, likes=-1)
            await uow.users.add_to_counters(video.owner_id, likes=-1)
        await uow.commit()
    return unliked


async def comment(
    social: Social, author: User, video: Video, seconds: float = 0, parent: Comment | None = None
) -> Comment:
    made = make_comment(author, video, seconds, parent)
    async with social.uow() as uow:
        await uow.comments.add(made)
        await uow.videos.add_to_counters(video.id, comments=1, points=COMMENT_POINTS)
        if parent is not None:
            await uow.comments.add_to_counters(parent.id, replies=1)
        await uow.commit()
    return made


async def like_comment(social: Social, user: User, liked: Comment) -> bool:
    async with social.uow() as uow:
        added = await uow.likes.like_comment(user.id, liked.id, T0)
        if added:
            await uow.comments.add_to_counters(liked.id, likes=1)
        await uow.commit()
    return added


async def get_video(social: Social, video_id: UUID) -> Video | None:
    async with social.uow() as uow:
        return await uow.videos.get(video_id)


async def get_comment(social: Social, comment_id: UUID) -> Comment | None:
    async with social.uow() as uow:
        return await uow.comments.get(comment_id)


async def get_user(social: Social, user_id: UUID) -> User | None:
    async with social.uow() as uow:
        return await uow.users.get(user_id)


async def walk(
    fetch: Callable[[Any, int], Awaitable[Sequence[Item]]],
    position: Callable[[Item], Any],
    limit: int,
) -> list[Item]:
    """Every item of a keyset-paginated list, page by page."""
    seen: list[Item] = []
    after = None
    for _ in range(100):
        page = await fetch(after, limit)
        assert len(page) <= limit
        seen.extend(page)
        if len(page) < limit:
            return seen
        after = position(page[-1])
    raise AssertionError("the walk does not end")


def assert_counters_match_rows(rows: Rows) -> None:
    """Every counter equals the number of rows it counts."""
    for user_id, counters in rows.users.items():
        assert counters == (
            sum(1 for _, followee in rows.follows if followee == user_id),
            sum(1 for follower, _ in rows.follows if follower == user_id),
            sum(
                1 for owner, published, *_ in rows.videos.values() if owner == user_id and published
            ),
            sum(1 for _, video_id in rows.video_likes if rows.videos[video_id][0] == user_id),
        ), f"user {user_id}"
    for video_id, (_, _, like_count, comment_count) in rows.videos.items():
        assert like_count == sum(1 for _, liked in rows.video_likes if liked == video_id)
        assert comment_count == sum(1 for c in rows.comments.values() if c[0] == video_id)
    for comment_id, (*_, reply_count, like_count) in rows.comments.items():
        assert reply_count == sum(1 for c in rows.comments.values() if c[1] == comment_id)
        assert like_count == sum(1 for _, liked in rows.comment_likes if liked == comment_id)


# --- follows and likes ----------------------------------------------------------------------------


async def test_follow_and_unfollow_are_idempotent(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    await add(social, alice, bob)

    assert await follow(social, alice, bob, 1) is True
    assert await follow(social, alice, bob, 2) is False  # nothing changes, not even the time
    entries = await social.follows.followers(bob.id, None, after=None, limit=10)
    assert [(e.user.id, e.followed_at) for e in entries] == [(alice.id, at(1))]
    following = await social.follows.following(alice.id, None, after=None, limit=10)
    assert [(e.user.id, e.followed_at) for e in following] == [(bob.id, at(1))]
    assert await social.follows.followers(alice.id, None, after=None, limit=10) == []

    assert await unfollow(social, alice, bob) is True
    assert await unfollow(social, alice, bob) is False
    assert await social.follows.followers(bob.id, None, after=None, limit=10) == []

    assert await follow(social, alice, bob, 3) is True
    entries = await social.follows.followers(bob.id, None, after=None, limit=10)
    assert [(e.user.id, e.followed_at) for e in entries] == [(alice.id, at(3))]
    assert await follow(social, bob, alice, 4) is True  # the other direction is another follow
    stored_bob = await get_user(social, bob.id)
    assert stored_bob is not None
    assert (stored_bob.follower_count, stored_bob.following_count) == (1, 1)
    assert_counters_match_rows(await social.rows())


async def test_like_and_unlike_a_video_are_idempotent(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)

    assert await like_video(social, bob, video) is True
    assert await like_video(social, bob, video) is False
    assert await like_video(social, alice, video) is True
    assert (await social.rows()).video_likes == {(bob.id, video.id), (alice.id, video.id)}
    stored = await get_video(social, video.id)
    assert stored is not None
    assert (stored.like_count, stored.engagement_points) == (2, 2 * LIKE_POINTS)

    assert await unlike_video(social, bob, video) is True
    assert await unlike_video(social, bob, video) is False
    assert (await social.rows()).video_likes == {(alice.id, video.id)}
    assert await like_video(social, bob, video) is True
    assert_counters_match_rows(await social.rows())


async def test_like_and_unlike_a_comment_are_idempotent(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)
    said = await comment(social, alice, video)

    assert await like_comment(social, bob, said) is True
    assert await like_comment(social, bob, said) is False
    assert (await social.rows()).comment_likes == {(bob.id, said.id)}
    async with social.uow() as uow:
        assert await uow.likes.unlike_comment(bob.id, said.id) is True
        assert await uow.likes.unlike_comment(bob.id, said.id) is False
        await uow.comments.add_to_counters(said.id, likes=-1)
        await uow.commit()
    assert (await social.rows()).comment_likes == set()
    assert_counters_match_rows(await social.rows())


async def test_changes_without_commit_are_rolled_back(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)
    said = await comment(social, alice, video)
    before = await social.rows()

    async with social.uow() as uow:
        assert await uow.follows.add(bob.id, alice.id, T0)
        assert await uow.likes.like_video(bob.id, video.id, T0)
        assert await uow.likes.like_comment(bob.id, said.id, T0)
        await uow.comments.add(make_comment(bob, video, 1, parent=said))
        await uow.comments.add_to_counters(said.id, replies=1, likes=1)
        await uow.videos.add_to_counters(video.id, likes=1, comments=1, points=9)

    assert await social.rows() == before


# --- counters -------------------------------------------------------------------------------------


async def test_video_counters_add_relative_deltas_and_save_keeps_them(social: Social) -> None:
    alice = make_user("alice")
    video = make_video(alice, engagement_points=4)  # added as given
    await add(social, alice, video)
    async with social.uow() as uow:
        await uow.videos.add_to_counters(video.id, views=2, likes=3, comments=4, points=5)
        await uow.videos.add_to_counters(video.id, views=1, likes=-1, comments=-2, points=7)
        await uow.videos.add_to_counters(video.id)  # nothing to add
        await uow.videos.add_to_counters(uuid4(), likes=1)  # no such video: nothing happens
        await uow.commit()
    counted = dataclasses.replace(
        video, view_count=3, like_count=2, comment_count=2, engagement_points=16
    )
    assert await get_video(social, video.id) == counted

    stale = dataclasses.replace(
        video, caption="edited", view_count=0, like_count=0, comment_count=0, engagement_points=0
    )
    async with social.uow() as uow:
        assert await uow.videos.save(stale, expected_status=VideoStatus.READY)
        await uow.commit()
    assert await get_video(social, video.id) == dataclasses.replace(
        stale, view_count=3, like_count=2, comment_count=2, engagement_points=16
    )


async def test_comment_counters_add_relative_deltas(social: Social) -> None:
    alice = make_user("alice")
    video = make_video(alice)
    await add(social, alice, video)
    said = await comment(social, alice, video)
    async with social.uow() as uow:
        await uow.comments.add_to_counters(said.id, replies=2, likes=5)
        await uow.comments.add_to_counters(said.id, replies=-1)
        await uow.comments.add_to_counters(said.id, likes=-2)
        await uow.comments.add_to_counters(uuid4(), likes=1)
        await uow.commit()
    assert await get_comment(social, said.id) == dataclasses.replace(
        said, reply_count=1, like_count=3
    )


# --- comments -------------------------------------------------------------------------------------


async def test_comment_round_trips_and_edit_changes_only_body_and_edit_time(
    social: Social,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)
    top = await comment(social, alice, video, 1.5)
    reply = await comment(social, bob, video, 2.25, parent=top)

    assert await get_comment(social, reply.id) == reply
    stored_top = await get_comment(social, top.id)
    assert stored_top == dataclasses.replace(top, reply_count=1)
    assert stored_top.created_at.microsecond == top.created_at.microsecond
    assert await get_comment(social, uuid4()) is None

    edited_at = at(60.000001)
    body = "edited\nover two lines " + "x" * 970
    async with social.uow() as uow:
        await uow.comments.edit(reply.id, body, edited_at)
        await uow.comments.edit(uuid4(), "nobody", edited_at)  # no such comment: nothing happens
        await uow.commit()
    assert await get_comment(social, reply.id) == dataclasses.replace(
        reply, body=body, edited_at=edited_at
    )


async def test_deleting_a_comment_takes_its_replies_and_their_likes(social: Social) -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    video = make_video(alice)
    await add(social, alice, bob, carol, video)
    top = await comment(social, alice, video, 1)
    replies = [
        await comment(social, bob, video, 2, parent=top),
        await comment(social, carol, video, 3, parent=top),
    ]
    other = await comment(social, bob, video, 4)
    other_reply = await comment(social, alice, video, 5, parent=other)
    for liked in (top, *replies, other, other_reply):
        await like_comment(social, carol, liked)

    async with social.uow() as uow:
        assert await uow.comments.delete(top.id) == 3
        assert await uow.comments.delete(top.id) == 0
        assert await uow.comments.delete(uuid4()) == 0
        await uow.commit()

    rows = await social.rows()
    assert set(rows.comments) == {other.id, other_reply.id}
    assert rows.comment_likes == {(carol.id, other.id), (carol.id, other_reply.id)}

    async with social.uow() as uow:  # a reply goes alone
        assert await uow.comments.delete(other_reply.id) == 1
        await uow.commit()
    rows = await social.rows()
    assert set(rows.comments) == {other.id}
    assert rows.comment_likes == {(carol.id, other.id)}


async def test_deleting_a_video_takes_its_likes_and_comments(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    doomed, kept = make_video(alice), make_video(alice, 1)
    await add(social, alice, bob, doomed, kept)
    for video in (doomed, kept):
        await like_video(social, bob, video)
        top = await comment(social, bob, video)
        reply = await comment(social, alice, video, 1, parent=top)
        await like_comment(social, alice, reply)

    async with social.uow() as uow:
        await uow.videos.delete(doomed.id)
        await uow.commit()

    rows = await social.rows()
    assert {video_id for _, video_id in rows.video_likes} == {kept.id}
    assert {c[0] for c in rows.comments.values()} == {kept.id}
    assert len(rows.comments) == 2
    assert {rows.comments[comment_id][0] for _, comment_id in rows.comment_likes} == {kept.id}


# --- read side: likes -----------------------------------------------------------------------------


async def test_liked_by_me_is_the_viewers_own_like_in_every_video_query(social: Social) -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    liked, unliked = make_video(alice, 1), make_video(alice, 2)
    await add(social, alice, bob, carol, liked, unliked)
    await follow(social, bob, alice)
    await follow(social, carol, alice)
    await like_video(social, bob, liked)
    await like_video(social, carol, unliked)
    await unlike_video(social, carol, unliked)

    def flags(views: Sequence[VideoView]) -> dict[UUID, bool | None]:
        return {view.video.id: view.liked_by_me for view in views}

    cases: list[tuple[UUID | None, dict[UUID, bool | None]]] = [
        (bob.id, {liked.id: True, unliked.id: False}),
        (carol.id, {liked.id: False, unliked.id: False}),
        (alice.id, {liked.id: False, unliked.id: False}),
        (None, {liked.id: None, unliked.id: None}),
    ]
    for viewer, expected in cases:
        for video_id, flag in expected.items():
            view = await social.videos.get_view(video_id, viewer)
            assert view is not None
            assert view.liked_by_me is flag
        assert (
            flags(
                await social.videos.list_by_owner(
                    alice.id, viewer, include_unlisted=True, after=None, limit=10
                )
            )
            == expected
        )
        assert (
            flags(
                await social.videos.list_public(PublicVideoFilter(), viewer, after=None, limit=10)
            )
            == expected
        )
        ranked = await social.feeds.ranked(
            viewer, snapshot=at(10), since=at(-10), after=None, limit=10
        )
        assert flags([r.view for r in ranked]) == expected
        older = await social.feeds.older(viewer, until=at(10), after=None, limit=10)
        assert flags(older) == expected
        if viewer is not None and viewer != alice.id:
            following = await social.feeds.following(viewer, after=None, limit=10)
            assert flags(following) == expected


# --- read side: follower lists --------------------------------------------------------------------


async def test_follower_lists_are_newest_first_and_keyset_walks_see_each_once(
    social: Social,
) -> None:
    star, fan = make_user("star"), make_user("fan")
    others = [make_user(f"user{i}") for i in range(9)]
    await add(social, star, fan, *others)
    # Several follows in the same instant: the user id breaks the tie.
    seconds = [0, 1, 1, 1, 2.5, 3, 3, 4, 5.000001]
    for user, when in zip(others, seconds, strict=True):
        await follow(social, user, star, when)
        await follow(social, fan, user, when)
    await follow(social, star, fan, 9)  # not in either list below

    expected = sorted(
        ((at(when), user.id) for user, when in zip(others, seconds, strict=True)), reverse=True
    )

    def entry_key(entry: FollowEntry) -> tuple[datetime, UUID]:
        return (entry.followed_at, entry.user.id)

    for listing, user_id in [
        (social.follows.followers, star.id),
        (social.follows.following, fan.id),
    ]:
        everything = await listing(user_id, None, after=None, limit=100)
        assert [entry_key(e) for e in everything] == expected
        assert {e.user.id for e in everything} == {u.id for u in others}
        for entry in everything:
            stored = await get_user(social, entry.user.id)
            assert entry.user == stored
        for limit in WALK_LIMITS:

            async def page(
                after: Any, limit: int, listing: Any = listing, user_id: UUID = user_id
            ) -> Sequence[FollowEntry]:
                return await listing(user_id, None, after=after, limit=limit)  # type: ignore[no-any-return]

            walked = await walk(page, entry_key, limit)
            assert [entry_key(e) for e in walked] == expected


async def test_followed_among_names_the_followed_users_of_those_asked(social: Social) -> None:
    viewer, a, b, c = (make_user(name) for name in ("viewer", "aaa", "bbb", "ccc"))
    await add(social, viewer, a, b, c)
    await follow(social, viewer, a)
    await follow(social, viewer, c)
    await follow(social, b, viewer)  # the other direction does not count

    assert await social.follows.followed_among(viewer.id, [a.id, b.id, c.id, uuid4()]) == {
        a.id,
        c.id,
    }
    assert await social.follows.followed_among(viewer.id, {b.id}) == set()
    assert await social.follows.followed_among(viewer.id, []) == set()
    assert await social.follows.followed_among(b.id, [viewer.id, a.id]) == {viewer.id}


# --- read side: comment lists ---------------------------------------------------------------------


async def test_comment_lists_top_level_newest_first_replies_oldest_first(social: Social) -> None:
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    video, elsewhere = make_video(alice), make_video(bob)
    await add(social, alice, bob, carol, video, elsewhere)
    authors = [alice, bob, carol]
    top_seconds = [1, 2, 2, 2, 3.5, 4, 4, 6]
    tops = [
        await comment(social, authors[i % 3], video, when) for i, when in enumerate(top_seconds)
    ]
    thread = tops[3]
    reply_seconds = [7, 7, 8, 9, 9, 9, 10.25]
    replies = [
        await comment(social, authors[i % 3], video, when, parent=thread)
        for i, when in enumerate(reply_seconds)
    ]
    await comment(social, alice, video, 11, parent=tops[0])  # another thread
    await comment(social, alice, elsewhere, 12)  # another video
    await like_comment(social, bob, thread)
    await like_comment(social, bob, replies[2])

    def key(view: CommentView) -> tuple[datetime, UUID]:
        return (view.comment.created_at, view.comment.id)

    newest_first = sorted(((c.created_at, c.id) for c in tops), reverse=True)
    oldest_first = sorted((c.created_at, c.id) for c in replies)
    listed_tops = await social.comments.top_level(video.id, bob.id, after=None, limit=100)
    assert [key(v) for v in listed_tops] == newest_first
    listed_replies = await social.comments.replies(thread.id, None, after=None, limit=100)
    assert [key(v) for v in listed_replies] == oldest_first

    for view in listed_tops:
        assert view.comment == await get_comment(social, view.comment.id)
        assert view.author == await get_user(social, view.comment.author_id)
        assert view.liked_by_me is (view.comment.id == thread.id)
    assert {v.comment.reply_count for v in listed_tops if v.comment.id == thread.id} == {7}
    assert all(v.liked_by_me is None for v in listed_replies)
    viewed_by_bob = await social.comments.replies(thread.id, bob.id, after=None, limit=100)
    assert [v.liked_by_me for v in viewed_by_bob] == [
        c.id == replies[2].id for c in sorted(replies, key=lambda c: (c.created_at, c.id))
    ]

    for limit in WALK_LIMITS:
        walked_tops = await walk(
            lambda after, limit: social.comments.top_level(
                video.id, None, after=after, limit=limit
            ),
            key,
            limit,
        )
        assert [key(v) for v in walked_tops] == newest_first
        walked_replies = await walk(
            lambda after, limit: social.comments.replies(
                thread.id, carol.id, after=after, limit=limit
            ),
            key,
            limit,
        )
        assert [key(v) for v in walked_replies] == oldest_first


async def test_comment_get_view_joins_author_and_flag(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)
    said = await comment(social, bob, video, 1)
    await like_comment(social, alice, said)

    view = await social.comments.get_view(said.id, alice.id)
    assert view is not None
    assert view.comment == dataclasses.replace(said, like_count=1)
    assert view.author == await get_user(social, bob.id)
    assert view.liked_by_me is True
    by_bob = await social.comments.get_view(said.id, bob.id)
    assert by_bob is not None
    assert by_bob.liked_by_me is False
    anonymous = await social.comments.get_view(said.id, None)
    assert anonymous is not None
    assert anonymous.liked_by_me is None
    assert await social.comments.get_view(uuid4(), alice.id) is None


# --- read side: feeds -----------------------------------------------------------------------------


async def test_following_feed_has_the_published_videos_of_followed_users_newest_first(
    social: Social,
) -> None:
    viewer, alice, bob, carol = (make_user(n) for n in ("viewer", "alice", "bob", "carol"))
    await add(social, viewer, alice, bob, carol)
    await follow(social, viewer, alice)
    await follow(social, viewer, bob)
    await follow(social, carol, viewer)  # carol follows the viewer, not the other way
    expected = [
        make_video(alice, 1),
        make_video(alice, 2),
        make_video(bob, 2),  # same instant as alice's: the id breaks the tie
        make_video(bob, 3),
        make_video(alice, 10, published_at=at(0.5)),  # published long before it was listed
        make_video(bob, 4),
    ]
    hidden = [
        make_video(alice, 5, visibility=Visibility.UNLISTED),
        make_video(alice, 6, visibility=Visibility.PRIVATE),
        make_video(bob, 7, status=VideoStatus.PROCESSING, published_at=None),
        make_video(carol, 8),  # not followed
        make_video(viewer, 9),  # their own
    ]
    await add(social, *expected, *hidden)
    newest_first = sorted(((v.published_at, v.id) for v in expected), reverse=True)

    def key(view: VideoView) -> tuple[datetime | None, UUID]:
        return (view.video.published_at, view.video.id)

    feed = await social.feeds.following(viewer.id, after=None, limit=100)
    assert [key(v) for v in feed] == newest_first
    for view in feed:
        assert view.author == await get_user(social, view.video.owner_id)
        assert view.video == await get_video(social, view.video.id)
    for limit in WALK_LIMITS:
        walked = await walk(
            lambda after, limit: social.feeds.following(viewer.id, after=after, limit=limit),
            key,
            limit,
        )
        assert [key(v) for v in walked] == newest_first
    carols = await social.feeds.following(carol.id, after=None, limit=100)
    assert [view.video.id for view in carols] == [hidden[-1].id]


async def test_ranked_feed_orders_by_rank_then_id_and_walks_exactly(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    await add(social, alice, bob)
    snapshot = at(3 * 86400 + 0.654321)
    since = at(-0.5)
    hour = 3600.0
    # Varied ages and engagement, with exact ties (same points, same instant) and the bounds.
    specs: list[tuple[float, int]] = [
        (0.1, 0),
        (1.5 * hour, 3),
        (1.5 * hour, 3),
        (1.5 * hour, 3),
        (5 * hour + 0.000001, 40),
        (11 * hour, 8),
        (20 * hour, 120),
        (30 * hour, 1),
        (47.5 * hour, 500),
        (60 * hour, 5),
        (70 * hour, 2000),
        (71.9 * hour, 0),
        (3 * 86400 + 0.654321, 7),  # published exactly at the snapshot: in
    ]
    ranked_videos = [
        make_video(alice if i % 2 else bob, when, engagement_points=points)
        for i, (when, points) in enumerate(specs)
    ]
    outside = [
        make_video(alice, -0.5, engagement_points=10_000),  # published exactly at `since`: out
        make_video(alice, -hour, engagement_points=10_000),  # before the window
        make_video(bob, 3 * 86400 + 1, engagement_points=10_000),  # after the snapshot
        make_video(bob, hour, visibility=Visibility.UNLISTED, engagement_points=10_000),
        make_video(bob, hour, status=VideoStatus.PROCESSING, published_at=None),
    ]
    await add(social, *ranked_videos, *outside)
    async with social.uow() as uow:  # points also come through add_to_counters
        await uow.videos.add_to_counters(ranked_videos[0].id, points=9)
        await uow.commit()
    ranked_videos[0] = dataclasses.replace(ranked_videos[0], engagement_points=9)

    expected = sorted(
        (
            (rank(v.engagement_points, v.published_at), v.id)
            for v in ranked_videos
            if v.published_at is not None
        ),
        reverse=True,
    )

    async def page(after: Any, limit: int) -> Sequence[RankedVideo]:
        return await social.feeds.ranked(
            None, snapshot=snapshot, since=since, after=after, limit=limit
        )

    def key(item: RankedVideo) -> tuple[float, UUID]:
        return (item.score, item.view.video.id)

    everything = await page(None, 100)
    assert [item.view.video.id for item in everything] == [video_id for _, video_id in expected]
    assert [item.score for item in everything] == pytest.approx(
        [score for score, _ in expected], rel=1e-12
    )
    for item in everything:
        assert item.view.video == await get_video(social, item.view.video.id)
        assert item.view.author == await get_user(social, item.view.video.owner_id)
        assert item.view.liked_by_me is None
    for limit in WALK_LIMITS:
        walked = await walk(page, key, limit)
        assert [item.view.video.id for item in walked] == [video_id for _, video_id in expected]

    # The window's lower bound is exclusive, its upper bound inclusive.
    narrow = await social.feeds.ranked(
        None, snapshot=at(1.5 * hour), since=at(0.1), after=None, limit=100
    )
    assert {item.view.video.id for item in narrow} == {v.id for v in ranked_videos[1:4]}
    assert [item.view.video.id for item in narrow] == sorted(
        (v.id for v in ranked_videos[1:4]), reverse=True
    )


async def test_older_lists_published_videos_up_to_a_time_newest_first(social: Social) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    await add(social, alice, bob)
    until = at(100)
    listed = [
        make_video(alice, 1),
        make_video(bob, 1),
        make_video(alice, 50.5),
        make_video(bob, 99),
        make_video(alice, 100),  # exactly at `until`: in
        make_video(bob, 400, published_at=at(2)),
    ]
    hidden = [
        make_video(alice, 100.000001),
        make_video(bob, 3, visibility=Visibility.PRIVATE),
        make_video(bob, 4, status=VideoStatus.FAILED, published_at=None),
    ]
    await add(social, *listed, *hidden)
    newest_first = sorted(((v.published_at, v.id) for v in listed), reverse=True)

    def key(view: VideoView) -> tuple[datetime | None, UUID]:
        return (view.video.published_at, view.video.id)

    assert [key(v) for v in await social.feeds.older(None, until=until, after=None, limit=100)] == (
        newest_first
    )
    for limit in WALK_LIMITS:
        walked = await walk(
            lambda after, limit: social.feeds.older(
                alice.id, until=until, after=after, limit=limit
            ),
            key,
            limit,
        )
        assert [key(v) for v in walked] == newest_first


# --- deleting an account --------------------------------------------------------------------------


async def test_deleting_an_account_keeps_every_other_counter_equal_to_what_remains(
    social: Social,
) -> None:
    doomed, alice, bob, carol = (make_user(n) for n in ("doomed", "alice", "bob", "carol"))
    dv1, dv2 = make_video(doomed, 1), make_video(doomed, 2)
    av1, av2 = make_video(alice, 3), make_video(alice, 4, visibility=Visibility.UNLISTED)
    bv1 = make_video(bob, 5)
    await add(social, doomed, alice, bob, carol, dv1, dv2, av1, av2, bv1)
    for follower, followee in [
        (doomed, alice),
        (doomed, bob),
        (alice, doomed),
        (carol, doomed),
        (alice, bob),
        (bob, carol),
    ]:
        await follow(social, follower, followee)
    for liker, video in [
        (doomed, av1),
        (doomed, av2),
        (doomed, bv1),
        (doomed, dv1),  # their own
        (alice, dv1),
        (alice, bv1),
        (bob, av1),
        (carol, dv2),
        (carol, av1),
    ]:
        await like_video(social, liker, video)
    # On alice's video: their thread with replies by others and themselves, and their reply in
    # alice's thread; on bob's: a reply in bob's thread and a bare comment; on their own: threads.
    t1 = await comment(social, doomed, av1, 10)
    r1 = await comment(social, alice, av1, 11, parent=t1)
    r2 = await comment(social, doomed, av1, 12, parent=t1)
    await comment(social, bob, av1, 13, parent=t1)
    t2 = await comment(social, alice, av1, 14)
    r4 = await comment(social, doomed, av1, 15, parent=t2)
    r5 = await comment(social, carol, av1, 16, parent=t2)
    t3 = await comment(social, bob, av1, 17)
    t4 = await comment(social, bob, bv1, 18)
    await comment(social, doomed, bv1, 19, parent=t4)
    await comment(social, doomed, bv1, 20)
    t6 = await comment(social, alice, dv1, 21)
    await comment(social, bob, dv1, 22, parent=t6)
    await comment(social, doomed, dv1, 23)
    for liker, liked in [
        (doomed, t2),
        (doomed, r5),
        (doomed, t4),
        (doomed, t1),
        (doomed, r1),
        (alice, t1),
        (alice, r4),
        (alice, t3),
        (alice, r2),
        (bob, r5),
        (bob, t6),
        (carol, r1),
    ]:
        await like_comment(social, liker, liked)
    assert_counters_match_rows(await social.rows())

    async with social.uow() as uow:
        await remove_account(uow, doomed.id)
        await uow.commit()

    rows = await social.rows()
    assert set(rows.users) == {alice.id, bob.id, carol.id}
    assert set(rows.videos) == {av1.id, av2.id, bv1.id}
    assert set(rows.comments) == {t2.id, r5.id, t3.id, t4.id}
    assert rows.follows == {(alice.id, bob.id), (bob.id, carol.id)}
    assert rows.video_likes == {(alice.id, bv1.id), (bob.id, av1.id), (carol.id, av1.id)}
    assert rows.comment_likes == {(alice.id, t3.id), (bob.id, r5.id)}
    assert_counters_match_rows(rows)
    assert rows.users[alice.id] == (0, 1, 1, 2)
    assert rows.videos[av1.id][2:] == (2, 3)
    assert rows.comments[t2.id][3:] == (1, 0)
    async with social.uow() as uow:
        assert await uow.users.get(doomed.id) is None
        await remove_account(uow, doomed.id)  # idempotent
        await uow.commit()
    assert await social.rows() == rows


async def test_deleting_an_account_rolls_back_with_its_unit_of_work(social: Social) -> None:
    doomed, alice = make_user("doomed"), make_user("alice")
    video = make_video(alice)
    await add(social, doomed, alice, video)
    await follow(social, doomed, alice)
    await like_video(social, doomed, video)
    await comment(social, doomed, video)
    before = await social.rows()

    async with social.uow() as uow:
        await remove_account(uow, doomed.id)

    assert await social.rows() == before


# --- SQL only -------------------------------------------------------------------------------------


async def test_a_missing_target_is_not_found_and_the_unit_of_work_goes_on(
    sql_social_adapters: Social,
) -> None:
    social = sql_social_adapters
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)
    said = await comment(social, alice, video)
    missing = uuid4()

    async with social.uow() as uow:
        for attempt in [
            uow.follows.add(alice.id, missing, T0),
            uow.follows.add(missing, alice.id, T0),
            uow.likes.like_video(bob.id, missing, T0),
            uow.likes.like_video(missing, video.id, T0),
            uow.likes.like_comment(bob.id, missing, T0),
            uow.comments.add(make_comment(bob, dataclasses.replace(video, id=missing))),
            uow.comments.add(dataclasses.replace(make_comment(bob, video), parent_id=missing)),
            uow.comments.add(make_comment(make_user("ghost"), video)),
        ]:
            with pytest.raises(NotFound):
                await attempt
        # The transaction is still usable.
        assert await uow.likes.like_video(bob.id, video.id, T0) is True
        assert await uow.likes.like_comment(bob.id, said.id, T0) is True
        await uow.commit()

    rows = await social.rows()
    assert rows.video_likes == {(bob.id, video.id)}
    assert rows.comment_likes == {(bob.id, said.id)}
    assert rows.follows == set()
    assert set(rows.comments) == {said.id}


async def test_schema_refuses_self_follows_and_has_its_partial_indexes(
    sql_engine: AsyncEngine,
) -> None:
    alice = make_user("alice")
    async with SqlUnitOfWorkFactory(sql_engine)() as uow:
        await uow.users.add(alice)
        await uow.commit()
    with pytest.raises(IntegrityError):
        async with sql_engine.begin() as connection:
            await connection.execute(
                insert(follows_table).values(
                    follower_id=alice.id, followee_id=alice.id, created_at=T0
                )
            )

    # Alembic does not compare index predicates: check what the migration created.
    if sql_engine.dialect.name == "postgresql":
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    else:
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    async with sql_engine.connect() as connection:
        owner_published = (
            await connection.execute(text(query), {"name": "ix_videos_owner_id_published_at_id"})
        ).scalar()
        top_level = (
            await connection.execute(text(query), {"name": "ix_comments_video_id_created_at_id"})
        ).scalar()
    assert owner_published is not None
    assert "'ready'" in owner_published
    assert "'public'" in owner_published
    assert top_level is not None
    assert "parent_id IS NULL" in top_level.replace("(", "").replace(")", "")


def test_sqlite_without_math_functions_is_given_an_ln_function() -> None:
    """The For You rank needs ln(); SQLite builds without math functions get a Python one."""
    connection = sqlite3.connect(":memory:")
    registered: list[str] = []

    class NoMathCursor:
        def __init__(self) -> None:
            self._cursor = connection.cursor()

        def execute(self, statement: str) -> None:
            if "ln(" in statement and not registered:
                raise sqlite3.OperationalError("no such function: ln")
            self._cursor.execute(statement)

        def close(self) -> None:
            self._cursor.close()

    class NoMathConnection:
        isolation_level: str | None = ""

        def cursor(self) -> NoMathCursor:
            return NoMathCursor()

        def create_function(self, name: str, arity: int, function: Any, **flags: Any) -> None:
            registered.append(name)
            connection.create_function(name, arity, function, **flags)

    _configure_sqlite_connection(NoMathConnection(), None)  # type: ignore[arg-type]

    assert registered == ["ln"]
    assert connection.execute("SELECT ln(4.0), ln(NULL), ln(0)").fetchone() == (
        math.log(4.0),
        None,
        None,
    )


# --- PostgreSQL only ------------------------------------------------------------------------------


@pytest.fixture
async def postgres_wide_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine whose pool holds 20 concurrent transactions."""
    engine = await _engine_on_empty_tables(postgres_url, pool_size=20)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_postgres_concurrent_identical_likes_and_follows_have_one_winner(
    postgres_wide_engine: AsyncEngine,
) -> None:
    social = sql_social(postgres_wide_engine)
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)
    all_inside = asyncio.Barrier(20)

    async def attempt(action: Callable[[Any], Awaitable[bool]]) -> bool:
        async with social.uow() as uow:
            await all_inside.wait()  # 20 open transactions insert the same row
            done = await action(uow)
            if done:  # the winner commits once the 19 others wait on its row
                await until_waiting_on_locks(postgres_wide_engine, 19)
            await uow.commit()
            return done

    likes = await asyncio.wait_for(
        asyncio.gather(
            *(attempt(lambda uow: uow.likes.like_video(bob.id, video.id, T0)) for _ in range(20))
        ),
        timeout=10,
    )
    follows = await asyncio.wait_for(
        asyncio.gather(
            *(attempt(lambda uow: uow.follows.add(bob.id, alice.id, T0)) for _ in range(20))
        ),
        timeout=10,
    )

    assert sorted(likes) == [False] * 19 + [True]
    assert sorted(follows) == [False] * 19 + [True]
    rows = await social.rows()
    assert rows.video_likes == {(bob.id, video.id)}
    assert rows.follows == {(bob.id, alice.id)}


@pytest.mark.postgres
async def test_postgres_deleting_an_account_counts_the_writes_in_flight(
    postgres_engine: AsyncEngine,
) -> None:
    social = sql_social(postgres_engine)
    doomed, alice, bob = make_user("doomed"), make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, doomed, alice, bob, video)
    thread = await comment(social, doomed, video)
    written = asyncio.Event()

    async def write_meanwhile() -> None:
        async with social.uow() as uow:  # their like and follow, and a reply to their comment
            assert await uow.likes.like_video(doomed.id, video.id, T0)
            await uow.videos.add_to_counters(video.id, likes=1, points=LIKE_POINTS)
            await uow.users.add_to_counters(alice.id, likes=1)
            assert await uow.follows.add(bob.id, doomed.id, T0)
            await uow.users.add_to_counters(bob.id, following=1)
            await uow.users.add_to_counters(doomed.id, followers=1)
            await uow.comments.add(make_comment(bob, video, 1, parent=thread))
            await uow.videos.add_to_counters(video.id, comments=1, points=COMMENT_POINTS)
            await uow.comments.add_to_counters(thread.id, replies=1)
            written.set()
            await until_waiting_on_locks(postgres_engine)  # the deletion waits on these rows
            await uow.commit()

    async def delete_account() -> None:
        await written.wait()
        async with social.uow() as uow:
            await remove_account(uow, doomed.id)
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(write_meanwhile(), delete_account()), timeout=10)

    rows = await social.rows()
    assert_counters_match_rows(rows)
    assert rows.videos[video.id][2:] == (0, 0)
    assert rows.users[bob.id] == (0, 0, 0, 0)


@pytest.mark.postgres
async def test_postgres_deleting_a_comment_counts_a_reply_in_flight(
    postgres_engine: AsyncEngine,
) -> None:
    social = sql_social(postgres_engine)
    alice, bob = make_user("alice"), make_user("bob")
    video = make_video(alice)
    await add(social, alice, bob, video)
    thread = await comment(social, alice, video)
    written = asyncio.Event()

    async def reply_meanwhile() -> None:
        async with social.uow() as uow:
            await uow.comments.add(make_comment(bob, video, 1, parent=thread))
            written.set()
            await until_waiting_on_locks(postgres_engine)  # the deletion waits on the reply
            await uow.commit()

    async def delete_thread() -> int:
        await written.wait()
        async with social.uow() as uow:
            removed = await uow.comments.delete(thread.id)
            await uow.commit()
        return removed

    _, removed = await asyncio.wait_for(
        asyncio.gather(reply_meanwhile(), delete_thread()), timeout=10
    )

    assert removed == 2
    assert (await social.rows()).comments == {}


@pytest.mark.postgres
async def test_postgres_each_query_is_one_statement_whatever_the_page_size(
    postgres_engine: AsyncEngine,
) -> None:
    social = sql_social(postgres_engine)
    viewer, star = make_user("viewer"), make_user("star")
    others = [make_user(f"user{i:02}") for i in range(20)]
    star_videos = [make_video(star, i) for i in range(20)]
    other_videos = [make_video(user, 100 + i) for i, user in enumerate(others)]
    await add(social, viewer, star, *others, *star_videos, *other_videos)
    async with social.uow() as uow:
        for i, user in enumerate(others):
            await uow.follows.add(viewer.id, user.id, at(i))
            await uow.follows.add(user.id, star.id, at(i))
            await uow.likes.like_video(viewer.id, other_videos[i].id, T0)
        thread = make_comment(star, star_videos[0], 0)
        await uow.comments.add(thread)
        for i, user in enumerate(others):
            top = make_comment(user, star_videos[0], 1 + i)
            await uow.comments.add(top)
            await uow.comments.add(make_comment(user, star_videos[0], 1 + i, parent=thread))
            await uow.likes.like_comment(viewer.id, top.id, T0)
        await uow.commit()
    await social.rows()  # a first connection has been made and initialised
    personal = PersonalFilter(watched_since=at(-1))

    calls: list[tuple[str, Callable[[int], Awaitable[Sequence[Any]]]]] = [
        (
            "list_by_owner",
            lambda n: social.videos.list_by_owner(
                star.id, viewer.id, include_unlisted=False, after=None, limit=n
            ),
        ),
        (
            "list_public",
            lambda n: social.videos.list_public(
                PublicVideoFilter(), viewer.id, after=None, limit=n
            ),
        ),
        ("followers", lambda n: social.follows.followers(star.id, viewer.id, after=None, limit=n)),
        (
            "following",
            lambda n: social.follows.following(viewer.id, viewer.id, after=None, limit=n),
        ),
        (
            "followed_among",
            lambda n: _as_list(
                social.follows.followed_among(viewer.id, [u.id for u in others[:n]])
            ),
        ),
        (
            "top_level",
            lambda n: social.comments.top_level(star_videos[0].id, viewer.id, after=None, limit=n),
        ),
        ("replies", lambda n: social.comments.replies(thread.id, viewer.id, after=None, limit=n)),
        ("feed_following", lambda n: social.feeds.following(viewer.id, after=None, limit=n)),
        (
            "ranked",
            lambda n: social.feeds.ranked(
                viewer.id, snapshot=at(1000), since=at(-1), after=None, limit=n
            ),
        ),
        ("older", lambda n: social.feeds.older(viewer.id, until=at(1000), after=None, limit=n)),
        (
            "ranked_personal",
            lambda n: social.feeds.ranked(
                viewer.id, snapshot=at(1000), since=at(-1), after=None, limit=n, personal=personal
            ),
        ),
        (
            "older_personal",
            lambda n: social.feeds.older(
                viewer.id, until=at(1000), after=None, limit=n, personal=personal
            ),
        ),
        ("video_view", lambda n: _as_list(social.videos.get_view(star_videos[0].id, viewer.id))),
        ("comment_view", lambda n: _as_list(social.comments.get_view(thread.id, viewer.id))),
    ]
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    recorded: dict[str, tuple[str, Any]] = {}
    event.listen(postgres_engine.sync_engine, "before_cursor_execute", record)
    try:
        for name, call in calls:
            for size in (1, 20):
                statements.clear()
                found = await call(size)
                if name.endswith("_view"):
                    assert len(found) == 1
                else:
                    assert len(found) == size, name
                assert len(statements) == 1, (name, size, statements)
                recorded[name] = statements[0]
    finally:
        event.remove(postgres_engine.sync_engine, "before_cursor_execute", record)

    # The lists read their indexes in order (as on a large table, where scanning the table or
    # collecting the matches to sort them costs more).
    plans = {}
    async with postgres_engine.connect() as connection:
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        await connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        for name, (statement, parameters) in recorded.items():
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans[name] = "\n".join(row[0] for row in rows)
    assert "ix_follows_followee_id_created_at_follower_id" in plans["followers"], plans["followers"]
    assert "ix_follows_follower_id_created_at_followee_id" in plans["following"]
    assert "ix_comments_video_id_created_at_id" in plans["top_level"]
    assert "ix_comments_parent_id_created_at_id" in plans["replies"]
    for name in ("followers", "following", "top_level", "replies"):
        assert "Sort" not in plans[name], plans[name]
    for name in (
        "list_by_owner",
        "list_public",
        "feed_following",
        "ranked",
        "older",
        "ranked_personal",
        "older_personal",
    ):
        assert "Seq Scan on videos" not in plans[name], plans[name]
    for name in ("ranked", "ranked_personal"):  # the rank index, read in order
        assert "ix_videos_rank_id" in plans[name], plans[name]
        assert "Sort" not in plans[name], plans[name]

    # The Following feed can read each followed owner's published videos from the partial index
    # on (owner_id, published_at, id) (whether it does depends on the statistics: without the
    # index of every published video, it must).
    async with postgres_engine.connect() as connection:
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        await connection.exec_driver_sql("DROP INDEX ix_videos_published_at_id")  # rolled back
        statement, parameters = recorded["feed_following"]
        rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
        plan = "\n".join(row[0] for row in rows)
        await connection.rollback()
    assert "ix_videos_owner_id_published_at_id" in plan, plan


async def _as_list(found: Awaitable[Any]) -> list[Any]:
    result = await found
    if result is None:
        return []
    if isinstance(result, set):
        return list(result)
    return [result]
