"""One contract suite for the video repository and queries, the storage deletion queue and the
idempotency-key store, run on every adapter (memory, SQLite, PostgreSQL): the SQL adapters must
behave exactly like the in-memory reference ones.

The SQL-only and PostgreSQL-only checks at the end cover what the memory adapter cannot have
(constraints, partial indexes, row locks, concurrent claims from several connections).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import delete, event, insert, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.idempotency import MemoryIdempotencyStore
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.idempotency import SqlIdempotencyStore
from adapters.sqlalchemy.tables import video_hashtags as video_hashtags_table
from adapters.sqlalchemy.tables import videos as videos_table
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from adapters.sqlalchemy.video_queries import SqlVideoQueries
from application.ports.deletion_queue import PendingDeletion
from application.ports.idempotency_store import IdempotencyRecord, IdempotencyStore, StoredResponse
from application.ports.unit_of_work import UnitOfWorkFactory
from application.ports.video_queries import PublicVideoFilter, VideoKey, VideoQueries, VideoView
from domain.media import Rendition
from domain.users import User
from domain.videos import Video, VideoStatus, Visibility
from tests.integration.conftest import _engine_on_empty_tables
from tests.support.builders import T0, captioned, make_user, make_video
from tests.support.waiting import until_waiting_on_locks

READY, UPLOADING, PROCESSING, FAILED = (
    VideoStatus.READY,
    VideoStatus.UPLOADING,
    VideoStatus.PROCESSING,
    VideoStatus.FAILED,
)
PUBLIC, UNLISTED, PRIVATE = Visibility.PUBLIC, Visibility.UNLISTED, Visibility.PRIVATE


@dataclasses.dataclass(frozen=True)
class Adapters:
    """The adapters of one storage: unit of work (videos, deletions), queries, idempotency."""

    uow: UnitOfWorkFactory
    queries: VideoQueries
    idempotency: IdempotencyStore


@pytest.fixture
async def adapters(storage_url: str | None) -> AsyncIterator[Adapters]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Adapters(
            uow=lambda: MemoryUnitOfWork(store),
            queries=MemoryVideoQueries(store),
            idempotency=MemoryIdempotencyStore(),
        )
        return
    engine = await _engine_on_empty_tables(storage_url, pool_size=10)  # concurrent claims
    reader = create_select_runner(
        storage_url, engine
    )  # production's read path (raw pool on PostgreSQL)
    try:
        yield Adapters(
            uow=SqlUnitOfWorkFactory(engine),
            queries=SqlVideoQueries(engine, reader),
            idempotency=SqlIdempotencyStore(engine),
        )
    finally:
        await reader.close()
        await engine.dispose()


async def add(adapters: Adapters, *items: User | Video) -> None:
    async with adapters.uow() as uow:
        for item in items:
            if isinstance(item, User):
                await uow.users.add(item)
            else:
                await uow.videos.add(item)
        await uow.commit()


async def get_video(adapters: Adapters, video_id: UUID) -> Video | None:
    async with adapters.uow() as uow:
        return await uow.videos.get(video_id)


async def save(adapters: Adapters, video: Video, expected_status: VideoStatus) -> bool:
    async with adapters.uow() as uow:
        saved = await uow.videos.save(video, expected_status=expected_status)
        await uow.commit()
    return saved


async def public_ids(
    adapters: Adapters, hashtag: str | None = None, words: tuple[str, ...] = ()
) -> list[UUID]:
    views = await adapters.queries.list_public(
        PublicVideoFilter(hashtag=hashtag, words=words), None, after=None, limit=100
    )
    return [view.video.id for view in views]


def ids(videos: Sequence[Video]) -> list[UUID]:
    return [video.id for video in videos]


def newest_created_first(videos: Sequence[Video]) -> list[UUID]:
    return ids(sorted(videos, key=lambda v: (v.created_at, v.id), reverse=True))


def newest_published_first(videos: Sequence[Video]) -> list[UUID]:
    return ids(sorted(videos, key=lambda v: (v.published_at, v.id), reverse=True))


# --- video repository -----------------------------------------------------------------------------


async def test_added_video_round_trips_every_field(adapters: Adapters) -> None:
    alice = make_user("alice")
    full = make_video(
        alice,
        caption="Sunset #Zeta over the #alpha bay #mid",
        hashtags=("zeta", "alpha", "mid"),  # caption order, not sorted
        visibility=UNLISTED,
        status=UPLOADING,
        content_type="video/quicktime",
        size_bytes=3 * 2**31,  # needs a bigint
        upload_id="multipart-" + "x" * 1000,
        upload_expires_at=T0 + timedelta(hours=1, microseconds=1),
        failure_reason=None,
        duration_seconds=12.345678,
        width=1080,
        height=1920,
        created_at=datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, 3, 4, 6, 1, tzinfo=UTC),
        published_at=None,
        view_count=5,
        like_count=6,
        comment_count=7,
    )
    failed = make_video(alice, 1, status=FAILED, failure_reason="Not a video.", published_at=None)
    bare = make_video(alice, 2)
    await add(adapters, alice, full, failed, bare)

    for video in (full, failed, bare):
        stored = await get_video(adapters, video.id)
        assert stored == video
    stored = await get_video(adapters, full.id)
    assert stored is not None
    assert stored.hashtags == ("zeta", "alpha", "mid")
    for value, expected in [
        (stored.created_at, full.created_at),
        (stored.updated_at, full.updated_at),
        (stored.upload_expires_at, full.upload_expires_at),
    ]:
        assert value == expected
        assert value is not None
        assert value.utcoffset() == timedelta(0)
        assert value.microsecond == expected.microsecond  # type: ignore[union-attr]
    assert await get_video(adapters, uuid4()) is None


async def test_what_processing_made_round_trips_through_writes_and_reads(
    adapters: Adapters,
) -> None:
    alice = make_user("alice")
    alice = dataclasses.replace(
        alice, avatar_url="http://api.test/api/v1/users/x/avatar?v=abc", avatar_version="abc"
    )
    processing = make_video(alice, status=PROCESSING, published_at=None)
    await add(adapters, alice, processing)
    ready = dataclasses.replace(
        processing,
        status=READY,
        published_at=T0,
        duration_seconds=9.5,
        width=1080,
        height=1920,
        renditions=(Rendition(360, 640, 612), Rendition(720, 1280, 2304)),
        poster_version="0194f1c2d3",
        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj",
        poster_at_seconds=2.25,
    )

    assert await save(adapters, ready, PROCESSING)

    assert await get_video(adapters, ready.id) == ready
    view = await adapters.queries.get_view(ready.id, None)
    assert view is not None
    assert view.video == ready
    assert view.author.avatar_version == "abc"
    [listed] = await adapters.queries.list_by_owner(
        alice.id, None, include_unlisted=False, after=None, limit=10
    )
    assert listed.video.renditions == ready.renditions
    async with adapters.uow() as uow:
        assert (await uow.users.get(alice.id)) == alice


async def test_save_updates_only_when_the_stored_status_is_the_expected_one(
    adapters: Adapters,
) -> None:
    alice = make_user("alice")
    video = make_video(
        alice, status=UPLOADING, published_at=None, upload_id="up-1", view_count=3, like_count=4
    )
    await add(adapters, alice, video)
    later = T0 + timedelta(minutes=5)
    ready = dataclasses.replace(
        video.moved_to(READY, later),
        duration_seconds=4.5,
        width=720,
        height=1280,
        # A stale copy's counters: save must keep the stored ones.
        view_count=99,
        like_count=99,
        comment_count=99,
    )

    assert await save(adapters, ready, expected_status=UPLOADING) is True
    expected = dataclasses.replace(ready, view_count=3, like_count=4, comment_count=0)
    assert await get_video(adapters, video.id) == expected
    assert expected.upload_id is None
    assert expected.published_at == later

    # The status moved on: a second transition from `uploading` is refused and changes nothing.
    failed = video.moved_to(FAILED, later + timedelta(seconds=1), reason="late")
    assert await save(adapters, failed, expected_status=UPLOADING) is False
    assert await get_video(adapters, video.id) == expected
    # An unknown video is never saved.
    assert await save(adapters, make_video(alice, 9), expected_status=READY) is False
    assert await get_video(adapters, video.id) == expected


async def test_save_rewrites_hashtags_and_words_with_the_caption(adapters: Adapters) -> None:
    alice = make_user("alice")
    video = make_video(alice, **captioned("Sleepy #cats all day #Naps"))
    await add(adapters, alice, video)
    assert await public_ids(adapters, hashtag="cats") == [video.id]
    assert await public_ids(adapters, words=("sleepy", "day")) == [video.id]

    renamed = dataclasses.replace(video, **captioned("Running #dogs and #naps"))
    assert await save(adapters, renamed, expected_status=READY) is True

    stored = await get_video(adapters, video.id)
    assert stored is not None
    assert stored.hashtags == ("dogs", "naps")
    assert await public_ids(adapters, hashtag="cats") == []
    assert await public_ids(adapters, hashtag="dogs") == [video.id]
    assert await public_ids(adapters, hashtag="naps") == [video.id]
    assert await public_ids(adapters, words=("sleepy",)) == []
    assert await public_ids(adapters, words=("running", "naps")) == [video.id]

    # A save that keeps the caption keeps the filters working.
    private = dataclasses.replace(renamed, visibility=PRIVATE)
    assert await save(adapters, private, expected_status=READY) is True
    assert await public_ids(adapters, hashtag="dogs") == []
    assert await save(adapters, renamed, expected_status=READY) is True
    assert await public_ids(adapters, hashtag="dogs", words=("running",)) == [video.id]


async def test_save_keeps_the_hashtag_order_when_only_the_order_changes(
    adapters: Adapters,
) -> None:
    alice = make_user("alice")
    video = make_video(alice, caption="#b #a", hashtags=("b", "a"))
    await add(adapters, alice, video)

    reordered = dataclasses.replace(video, caption="#a #b", hashtags=("a", "b"))
    assert await save(adapters, reordered, expected_status=READY) is True

    stored = await get_video(adapters, video.id)
    assert stored is not None
    assert stored.hashtags == ("a", "b")


async def test_delete_removes_the_video_and_is_idempotent(adapters: Adapters) -> None:
    alice = make_user("alice")
    doomed = make_video(alice, **captioned("#gone soon"))
    kept = make_video(alice, 1, **captioned("#gone later"))
    await add(adapters, alice, doomed, kept)

    async with adapters.uow() as uow:
        await uow.videos.delete(doomed.id)
        await uow.videos.delete(doomed.id)
        await uow.videos.delete(uuid4())
        await uow.commit()

    assert await get_video(adapters, doomed.id) is None
    assert await get_video(adapters, kept.id) == kept
    assert await public_ids(adapters, hashtag="gone") == [kept.id]
    assert await adapters.queries.get_view(doomed.id, None) is None


async def test_deleting_a_user_deletes_their_videos(adapters: Adapters) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    alices = [make_video(alice, i, **captioned("#shared clip")) for i in range(3)]
    bobs = make_video(bob, 5, **captioned("#shared clip"))
    await add(adapters, alice, bob, *alices, bobs)

    async with adapters.uow() as uow:
        await uow.users.delete(alice.id)
        await uow.commit()

    for video in alices:
        assert await get_video(adapters, video.id) is None
    assert await get_video(adapters, bobs.id) == bobs
    assert await public_ids(adapters, hashtag="shared") == [bobs.id]
    assert await public_ids(adapters, words=("clip",)) == [bobs.id]
    assert (
        await adapters.queries.list_by_owner(
            alice.id, alice.id, include_unlisted=True, after=None, limit=10
        )
        == []
    )


async def test_exit_without_commit_rolls_back_videos_and_deletions(adapters: Adapters) -> None:
    alice = make_user("alice")
    kept = make_video(alice)
    await add(adapters, alice, kept)

    async with adapters.uow() as uow:
        await uow.videos.add(make_video(alice, 1))
        await uow.videos.save(dataclasses.replace(kept, caption="changed"), expected_status=READY)
        await uow.deletions.enqueue([PendingDeletion("videos/x")], T0)

    assert await get_video(adapters, kept.id) == kept
    assert await public_ids(adapters) == [kept.id]
    async with adapters.uow() as uow:
        assert await uow.deletions.due(T0 + timedelta(days=1), 10) == []


async def test_storage_of_owner_lists_every_video_of_the_owner(adapters: Adapters) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    uploading = make_video(alice, status=UPLOADING, upload_id="mp-1", published_at=None)
    private = make_video(alice, 1, visibility=PRIVATE)
    failed = make_video(alice, 2, status=FAILED, published_at=None)
    await add(adapters, alice, bob, uploading, private, failed, make_video(bob, 3))

    async with adapters.uow() as uow:
        alices = await uow.videos.storage_of_owner(alice.id)
        nobodys = await uow.videos.storage_of_owner(uuid4())

    assert sorted(alices) == sorted(
        [
            (uploading.storage_key, "mp-1"),
            (private.storage_key, None),
            (failed.storage_key, None),
        ]
    )
    assert nobodys == []


async def test_expired_uploads_are_uploading_past_their_deadline_oldest_first(
    adapters: Adapters,
) -> None:
    alice = make_user("alice")
    now = T0 + timedelta(hours=2)

    def uploading(seconds: float, expires_at: datetime | None, **changes: Any) -> Video:
        return make_video(
            alice,
            seconds,
            status=UPLOADING,
            published_at=None,
            upload_expires_at=expires_at,
            **changes,
        )

    oldest = uploading(3, now - timedelta(hours=1))
    middle = uploading(1, now - timedelta(minutes=1))
    at_deadline = uploading(2, now)
    same_deadline = [uploading(4 + i, now - timedelta(minutes=1)) for i in range(3)]
    not_yet = uploading(0, now + timedelta(microseconds=1))
    no_deadline = uploading(8, None)
    processing = make_video(
        alice, 9, status=PROCESSING, published_at=None, upload_expires_at=now - timedelta(hours=1)
    )
    await add(
        adapters,
        alice,
        oldest,
        middle,
        at_deadline,
        *same_deadline,
        not_yet,
        no_deadline,
        processing,
    )
    expected = [
        oldest.id,
        *ids(sorted([middle, *same_deadline], key=lambda v: v.id)),
        at_deadline.id,
    ]

    async with adapters.uow() as uow:
        everything = await uow.videos.expired_uploads(now, 100)
        first_two = await uow.videos.expired_uploads(now, 2)
        before_any = await uow.videos.expired_uploads(T0, 100)

    assert ids(everything) == expected
    assert everything[0] == oldest
    assert ids(first_two) == expected[:2]
    assert before_any == []


# --- video queries --------------------------------------------------------------------------------


async def test_get_view_joins_the_author_whatever_the_visibility(adapters: Adapters) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    private = make_video(alice, visibility=PRIVATE, **captioned("secret #one #two"))
    uploading = make_video(alice, 1, status=UPLOADING, published_at=None)
    await add(adapters, alice, bob, private, uploading)

    anonymous = await adapters.queries.get_view(private.id, None)
    as_bob = await adapters.queries.get_view(private.id, bob.id)
    as_alice = await adapters.queries.get_view(uploading.id, alice.id)

    assert anonymous == VideoView(
        video=private, author=alice, liked_by_me=None, saved_by_me=None, follows_author=None
    )
    assert as_bob == VideoView(
        video=private, author=alice, liked_by_me=False, saved_by_me=False, follows_author=False
    )
    assert as_alice == VideoView(
        video=uploading, author=alice, liked_by_me=False, saved_by_me=False, follows_author=False
    )
    assert await adapters.queries.get_view(uuid4(), alice.id) is None


async def test_list_by_owner_newest_first_public_ready_only_unless_unlisted_included(
    adapters: Adapters,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    public = [make_video(alice, i) for i in range(3)]
    same_second = [make_video(alice, 10) for _ in range(3)]  # ties: the id decides
    hidden = [
        make_video(alice, 4, visibility=UNLISTED),
        make_video(alice, 5, visibility=PRIVATE),
        make_video(alice, 6, status=UPLOADING, published_at=None),
        make_video(alice, 7, status=PROCESSING, published_at=None),
        make_video(alice, 8, status=FAILED, published_at=None),
    ]
    # Published in another order than created: the owner list goes by creation.
    late_published = make_video(alice, -5, published_at=T0 + timedelta(days=1))
    await add(adapters, alice, bob, *public, *same_second, *hidden, late_published)
    await add(adapters, make_video(bob, 20))
    listed = [*public, *same_second, late_published]

    for_others = await adapters.queries.list_by_owner(
        alice.id, bob.id, include_unlisted=False, after=None, limit=100
    )
    for_owner = await adapters.queries.list_by_owner(
        alice.id, alice.id, include_unlisted=True, after=None, limit=100
    )
    anonymous = await adapters.queries.list_by_owner(
        alice.id, None, include_unlisted=False, after=None, limit=2
    )

    assert [v.video.id for v in for_others] == newest_created_first(listed)
    assert [v.video.id for v in for_owner] == newest_created_first([*listed, *hidden])
    assert {v.author for v in for_owner} == {alice}
    assert {v.liked_by_me for v in for_owner} == {False}
    assert [v.video.id for v in anonymous] == newest_created_first(listed)[:2]
    assert {v.liked_by_me for v in anonymous} == {None}
    assert for_others[0].video == max(listed, key=lambda v: (v.created_at, v.id))


async def walk(fetch_page: Any, limit: int, key_of: Any, total_hint: int) -> list[UUID]:
    """Every item of a keyset-paginated list, fetching `limit` at a time."""
    seen: list[UUID] = []
    after: VideoKey | None = None
    for _ in range(total_hint + 2):  # guards against a page that never ends
        page: Sequence[VideoView] = await fetch_page(after, limit)
        assert len(page) <= limit
        seen.extend(view.video.id for view in page)
        if len(page) < limit:
            return seen
        after = key_of(page[-1].video)
    raise AssertionError("the keyset walk did not end")


@pytest.mark.parametrize("limit", [1, 2, 7])
async def test_list_by_owner_keyset_walk_sees_every_video_once(
    adapters: Adapters, limit: int
) -> None:
    alice = make_user("alice")
    # 10 videos over 4 distinct creation times, with microsecond differences and exact ties.
    videos = [
        make_video(alice, seconds, visibility=PRIVATE if i % 3 == 0 else PUBLIC)
        for i, seconds in enumerate([0, 0, 0, 1e-6, 1e-6, 1, 1, 1, 1, 2])
    ]
    await add(adapters, alice, *videos)

    async def fetch(after: VideoKey | None, page_limit: int) -> Sequence[VideoView]:
        return await adapters.queries.list_by_owner(
            alice.id, alice.id, include_unlisted=True, after=after, limit=page_limit
        )

    seen = await walk(fetch, limit, lambda v: (v.created_at, v.id), len(videos))
    assert seen == newest_created_first(videos)
    assert len(set(seen)) == len(videos)


async def test_list_public_keeps_public_ready_videos_newest_published_first(
    adapters: Adapters,
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    published = [
        make_video(alice, 0, published_at=T0 + timedelta(hours=3)),
        make_video(bob, 1, published_at=T0 + timedelta(hours=1)),
        make_video(alice, 2, published_at=T0 + timedelta(hours=2)),
        make_video(bob, 3, published_at=T0 + timedelta(hours=2)),  # tie: the id decides
    ]
    hidden = [
        make_video(alice, 4, visibility=UNLISTED),
        make_video(alice, 5, visibility=PRIVATE),
        make_video(bob, 6, status=UPLOADING, published_at=None),
        make_video(bob, 7, status=PROCESSING, published_at=None),
        make_video(bob, 8, status=FAILED, published_at=None),
    ]
    await add(adapters, alice, bob, *published, *hidden)

    views = await adapters.queries.list_public(PublicVideoFilter(), bob.id, after=None, limit=100)
    anonymous = await adapters.queries.list_public(PublicVideoFilter(), None, after=None, limit=1)

    assert [v.video.id for v in views] == newest_published_first(published)
    by_id = {v.id: v for v in published}
    for view in views:
        assert view.video == by_id[view.video.id]
        assert view.author == (alice if view.video.owner_id == alice.id else bob)
        assert view.liked_by_me is False
    assert [v.video.id for v in anonymous] == newest_published_first(published)[:1]
    assert anonymous[0].liked_by_me is None


async def test_list_public_filters_by_hashtag_and_all_caption_words(adapters: Adapters) -> None:
    alice = make_user("alice")
    cats = make_video(alice, 0, **captioned("Two cats sleeping #Cute #cats"))
    cat = make_video(alice, 1, **captioned("One cat sleeping #cute"))
    dogs = make_video(alice, 2, **captioned("Dogs running, not sleeping #dogs"))
    private_cats = make_video(alice, 3, visibility=PRIVATE, **captioned("cats sleeping #cats"))
    await add(adapters, alice, cats, cat, dogs, private_cats)

    assert await public_ids(adapters, hashtag="cute") == [cat.id, cats.id]
    assert await public_ids(adapters, hashtag="cats") == [cats.id]
    assert await public_ids(adapters, hashtag="cat") == []  # exact tag, not a prefix
    assert await public_ids(adapters, words=("sleeping",)) == [dogs.id, cat.id, cats.id]
    assert await public_ids(adapters, words=("cats", "sleeping")) == [cats.id]
    assert await public_ids(adapters, words=("sleeping", "cats", "two")) == [cats.id]
    assert await public_ids(adapters, words=("cats", "running")) == []  # all words, not any
    assert await public_ids(adapters, words=("cat",)) == [cat.id]  # whole words only
    assert await public_ids(adapters, words=("cute",)) == [cat.id, cats.id]  # '#cute' is a word
    assert await public_ids(adapters, words=("sleeping",), hashtag="cute") == [cat.id, cats.id]
    assert await public_ids(adapters, words=("sleeping",), hashtag="dogs") == [dogs.id]
    assert await public_ids(adapters, words=("dogs",), hashtag="cute") == []
    assert await public_ids(adapters, words=("sleeping", "sleeping")) == [dogs.id, cat.id, cats.id]


@pytest.mark.parametrize("limit", [1, 2, 7])
async def test_list_public_keyset_walk_sees_every_video_once(
    adapters: Adapters, limit: int
) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    hours = [5, 5, 5, 4, 3, 3, 2, 1, 1, 0]
    published = [
        make_video(
            alice if i % 2 else bob,
            i,
            published_at=T0 + timedelta(hours=h),
            **captioned("walk #along"),
        )
        for i, h in enumerate(hours)
    ]
    hidden = [make_video(alice, 20, visibility=UNLISTED, **captioned("walk #along"))]
    await add(adapters, alice, bob, *published, *hidden)

    async def fetch(after: VideoKey | None, page_limit: int) -> Sequence[VideoView]:
        return await adapters.queries.list_public(
            PublicVideoFilter(hashtag="along", words=("walk",)), None, after=after, limit=page_limit
        )

    def key_of(video: Video) -> VideoKey:
        assert video.published_at is not None
        return (video.published_at, video.id)

    seen = await walk(fetch, limit, key_of, len(published))
    assert seen == newest_published_first(published)
    assert len(set(seen)) == len(published)


# --- deletion queue -------------------------------------------------------------------------------


async def enqueue(adapters: Adapters, items: Sequence[PendingDeletion], now: datetime) -> None:
    async with adapters.uow() as uow:
        await uow.deletions.enqueue(items, now)
        await uow.commit()


async def due(adapters: Adapters, now: datetime, limit: int = 100) -> list[PendingDeletion]:
    async with adapters.uow() as uow:
        return list(await uow.deletions.due(now, limit))


async def test_enqueue_is_idempotent_per_key(adapters: Adapters) -> None:
    first = PendingDeletion("videos/a/source", "upload-1")
    await enqueue(adapters, [first, PendingDeletion("videos/a/source", "duplicate in batch")], T0)
    await enqueue(
        adapters,
        [PendingDeletion("videos/a/source", "upload-2"), PendingDeletion("videos/b/source")],
        T0 + timedelta(minutes=1),
    )
    await enqueue(adapters, [], T0)

    assert await due(adapters, T0 + timedelta(minutes=1)) == [
        first,  # kept its upload id and its schedule
        PendingDeletion("videos/b/source"),
    ]


async def test_due_respects_not_before_order_and_limit(adapters: Adapters) -> None:
    later = T0 + timedelta(seconds=30)
    # Same time: the key decides, in code-point order ("-" < "_" < lower case letters).
    await enqueue(adapters, [PendingDeletion(k) for k in ("k_b", "k-b", "kab", "K")], T0)
    await enqueue(adapters, [PendingDeletion("early")], T0 - timedelta(microseconds=1))
    await enqueue(adapters, [PendingDeletion("later", "up")], later)

    assert [d.key for d in await due(adapters, T0 - timedelta(seconds=1))] == []
    assert [d.key for d in await due(adapters, T0)] == ["early", "K", "k-b", "k_b", "kab"]
    assert [d.key for d in await due(adapters, T0, limit=2)] == ["early", "K"]
    assert (await due(adapters, later))[-1] == PendingDeletion("later", "up")


async def test_retry_later_counts_attempts_and_reschedules_and_done_forgets(
    adapters: Adapters,
) -> None:
    await enqueue(adapters, [PendingDeletion("a", "up"), PendingDeletion("b")], T0)
    retry_at = T0 + timedelta(minutes=5)

    async with adapters.uow() as uow:
        await uow.deletions.retry_later("a", retry_at)
        await uow.deletions.retry_later("unknown", retry_at)  # no error, nothing queued
        await uow.commit()
    assert await due(adapters, T0) == [PendingDeletion("b")]
    assert await due(adapters, retry_at) == [PendingDeletion("b"), PendingDeletion("a", "up", 1)]

    async with adapters.uow() as uow:
        await uow.deletions.retry_later("a", retry_at + timedelta(minutes=1))
        await uow.deletions.done("b")
        await uow.deletions.done("b")  # idempotent
        await uow.commit()
    assert await due(adapters, retry_at) == []
    assert await due(adapters, retry_at + timedelta(minutes=1)) == [PendingDeletion("a", "up", 2)]
    assert await due(adapters, retry_at + timedelta(days=1)) == [PendingDeletion("a", "up", 2)]


# --- idempotency store ----------------------------------------------------------------------------


async def claim(
    adapters: Adapters,
    fingerprint: str,
    now: datetime = T0,
    *,
    scope: str = "user-1:create-video",
    key: str = "key-1",
    stale_before: datetime | None = None,
) -> IdempotencyRecord | None:
    return await adapters.idempotency.claim(
        scope,
        key,
        fingerprint,
        now,
        stale_before=now - timedelta(minutes=1) if stale_before is None else stale_before,
    )


async def test_claim_a_new_key_then_find_it_claimed(adapters: Adapters) -> None:
    assert await claim(adapters, "f1") is None
    assert await claim(adapters, "f2", T0 + timedelta(seconds=5)) == IdempotencyRecord(
        fingerprint="f1", created_at=T0, response=None
    )
    # Keys are per scope.
    assert await claim(adapters, "f3", scope="user-2:create-video") is None
    assert await claim(adapters, "f4", key="key-2") is None
    record = await claim(adapters, "f5")
    assert record is not None
    assert record.created_at.utcoffset() == timedelta(0)
    assert record.created_at.microsecond == T0.microsecond


async def test_completed_key_returns_the_stored_response(adapters: Adapters) -> None:
    body = b'{"id": "x"}\x00\xff'  # any bytes
    assert await claim(adapters, "f1") is None
    await adapters.idempotency.complete("user-1:create-video", "key-1", StoredResponse(201, body))
    await adapters.idempotency.complete("user-1:create-video", "unknown", StoredResponse(500, b""))

    record = await claim(adapters, "other", T0 + timedelta(hours=1))
    assert record == IdempotencyRecord(
        fingerprint="f1", created_at=T0, response=StoredResponse(status_code=201, body=body)
    )
    assert isinstance(record.response.body, bytes)  # type: ignore[union-attr]
    assert await claim(adapters, "f1", key="unknown") is None  # complete did not create it


async def test_release_frees_the_key(adapters: Adapters) -> None:
    assert await claim(adapters, "f1") is None
    await adapters.idempotency.release("user-1:create-video", "key-1")
    await adapters.idempotency.release("user-1:create-video", "key-1")  # idempotent

    assert await claim(adapters, "f2", T0 + timedelta(seconds=1)) is None
    assert await claim(adapters, "f3", T0 + timedelta(seconds=2)) == IdempotencyRecord(
        "f2", T0 + timedelta(seconds=1), None
    )


async def test_a_stale_claim_without_response_is_replaced(adapters: Adapters) -> None:
    assert await claim(adapters, "f1") is None
    assert await claim(adapters, "f2", scope="done") is None
    await adapters.idempotency.complete("done", "key-1", StoredResponse(200, b"ok"))
    later = T0 + timedelta(minutes=2)

    # Not older than `stale_before` (strictly): still in progress.
    assert await claim(adapters, "f2", later, stale_before=T0) == IdempotencyRecord("f1", T0, None)
    # Older: the request died; the new claim replaces it.
    assert await claim(adapters, "f2", later, stale_before=T0 + timedelta(microseconds=1)) is None
    assert await claim(adapters, "f3", later) == IdempotencyRecord("f2", later, None)
    # A completed record is never stale.
    assert await claim(adapters, "f9", later, scope="done", stale_before=later) == (
        IdempotencyRecord("f2", T0, StoredResponse(200, b"ok"))
    )


async def test_purge_forgets_records_created_before_the_cutoff(adapters: Adapters) -> None:
    for minutes, key in enumerate(["old", "older-but-done", "cutoff", "new"]):
        now = T0 + timedelta(minutes=minutes)
        assert await claim(adapters, "f", now, key=key) is None
    await adapters.idempotency.complete(
        "user-1:create-video", "older-but-done", StoredResponse(201, b"")
    )
    cutoff = T0 + timedelta(minutes=2)

    assert await adapters.idempotency.purge(cutoff) == 2
    assert await adapters.idempotency.purge(cutoff) == 0

    after = T0 + timedelta(minutes=3)
    assert await claim(adapters, "g", after, key="old") is None
    assert await claim(adapters, "g", after, key="older-but-done") is None
    assert await claim(adapters, "g", after, key="cutoff") == IdempotencyRecord("f", cutoff, None)
    assert await claim(adapters, "g", after, key="new") is not None


async def test_concurrent_claims_of_a_new_key_have_exactly_one_winner(
    adapters: Adapters,
) -> None:
    results = await asyncio.wait_for(
        asyncio.gather(*(claim(adapters, f"f{i}") for i in range(10))), timeout=10
    )

    winners = [i for i, result in enumerate(results) if result is None]
    assert len(winners) == 1
    assert {result for result in results if result is not None} == {
        IdempotencyRecord(f"f{winners[0]}", T0, None)
    }


async def test_concurrent_takeovers_of_a_stale_claim_have_exactly_one_winner(
    adapters: Adapters,
) -> None:
    assert await claim(adapters, "dead") is None
    later = T0 + timedelta(minutes=5)

    results = await asyncio.wait_for(
        asyncio.gather(*(claim(adapters, f"f{i}", later) for i in range(10))), timeout=10
    )

    winners = [i for i, result in enumerate(results) if result is None]
    assert len(winners) == 1
    assert {result for result in results if result is not None} == {
        IdempotencyRecord(f"f{winners[0]}", later, None)
    }


# --- SQL adapters only ----------------------------------------------------------------------------


@pytest.fixture
async def sql_adapters(sql_engine: AsyncEngine) -> Adapters:
    return Adapters(
        uow=SqlUnitOfWorkFactory(sql_engine),
        queries=SqlVideoQueries(sql_engine),
        idempotency=SqlIdempotencyStore(sql_engine),
    )


async def test_save_never_overwrites_counters_changed_by_other_features(
    sql_adapters: Adapters, sql_engine: AsyncEngine
) -> None:
    alice = make_user("alice")
    video = make_video(alice, **captioned("#counted"))
    await add(sql_adapters, alice, video)
    async with sql_engine.begin() as connection:  # e.g. a view, a like and a comment
        await connection.execute(
            update(videos_table)
            .where(videos_table.c.id == video.id)
            .values(view_count=10, like_count=20, comment_count=30)
        )

    stale = dataclasses.replace(video, caption="edited #counted", updated_at=T0 + timedelta(days=1))
    assert await save(sql_adapters, stale, expected_status=READY) is True

    assert await get_video(sql_adapters, video.id) == dataclasses.replace(
        stale, view_count=10, like_count=20, comment_count=30
    )


async def test_counters_default_to_zero_and_bad_statuses_are_refused(
    sql_adapters: Adapters, sql_engine: AsyncEngine
) -> None:
    alice = make_user("alice")
    video = make_video(alice)
    await add(sql_adapters, alice)
    row = {
        "id": video.id,
        "owner_id": alice.id,
        "caption": "",
        "visibility": "public",
        "status": "ready",
        "content_type": "video/mp4",
        "size_bytes": 1,
        "storage_key": "k",
        "created_at": T0,
        "updated_at": T0,
    }
    async with sql_engine.begin() as connection:
        await connection.execute(insert(videos_table).values(row))
    stored = await get_video(sql_adapters, video.id)
    assert stored is not None
    assert (stored.view_count, stored.like_count, stored.comment_count) == (0, 0, 0)

    for changes in ({"status": "deleted"}, {"visibility": "friends"}):
        with pytest.raises(IntegrityError):
            async with sql_engine.begin() as connection:
                await connection.execute(
                    insert(videos_table).values(
                        {**row, "id": uuid4(), "storage_key": "k2", **changes}
                    )
                )


async def test_hashtags_come_back_in_position_order_whatever_the_row_order(
    sql_adapters: Adapters, sql_engine: AsyncEngine
) -> None:
    alice = make_user("alice")
    video = make_video(alice, caption="#one #two #three", hashtags=("one", "two", "three"))
    await add(sql_adapters, alice, video)
    async with sql_engine.begin() as connection:  # store the rows last position first
        await connection.execute(
            delete(video_hashtags_table).where(video_hashtags_table.c.video_id == video.id)
        )
        for position, hashtag in reversed(list(enumerate(video.hashtags))):
            await connection.execute(
                insert(video_hashtags_table).values(
                    video_id=video.id, hashtag=hashtag, position=position
                )
            )

    assert await get_video(sql_adapters, video.id) == video
    view = await sql_adapters.queries.get_view(video.id, None)
    assert view is not None
    assert view.video.hashtags == ("one", "two", "three")


async def test_partial_indexes_have_their_predicates(sql_engine: AsyncEngine) -> None:
    # Alembic does not compare index predicates: check what the migration created.
    if sql_engine.dialect.name == "postgresql":
        query = "SELECT indexdef FROM pg_indexes WHERE indexname = :name"
    else:
        query = "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name"
    definitions = {}
    async with sql_engine.connect() as connection:
        for name in ("ix_videos_published_at_id", "ix_videos_upload_expires_at"):
            definitions[name] = (await connection.execute(text(query), {"name": name})).scalar()

    published = definitions["ix_videos_published_at_id"]
    uploading = definitions["ix_videos_upload_expires_at"]
    assert published is not None
    assert uploading is not None
    assert "WHERE" in published
    assert "'ready'" in published
    assert "'public'" in published
    assert "WHERE" in uploading
    assert "'uploading'" in uploading


# --- PostgreSQL only ------------------------------------------------------------------------------


@pytest.mark.postgres
async def test_postgres_overlapping_saves_from_one_status_have_one_winner(
    postgres_engine: AsyncEngine,
) -> None:
    factory = SqlUnitOfWorkFactory(postgres_engine)
    alice = make_user("alice")
    video = make_video(alice, status=UPLOADING, published_at=None, **captioned("#draft"))
    adapters = Adapters(
        factory, SqlVideoQueries(postgres_engine), SqlIdempotencyStore(postgres_engine)
    )
    await add(adapters, alice, video)
    both_inside = asyncio.Barrier(2)
    later = T0 + timedelta(minutes=1)
    outcomes = [
        dataclasses.replace(video.moved_to(READY, later), **captioned("ready #done")),
        video.moved_to(FAILED, later, reason="broken"),
    ]

    async def finish(outcome: Video) -> bool:
        async with factory() as uow:
            await uow.videos.get(video.id)  # both have read it uploading
            await both_inside.wait()
            saved = await uow.videos.save(outcome, expected_status=UPLOADING)
            if saved:  # the winner holds the row lock until the loser waits on it
                await until_waiting_on_locks(postgres_engine)
            await uow.commit()
            return saved

    results = await asyncio.wait_for(asyncio.gather(*(finish(o) for o in outcomes)), timeout=10)

    assert sorted(results) == [False, True]
    winner = outcomes[results.index(True)]
    assert await get_video(adapters, video.id) == winner
    if winner.status is READY:
        assert await public_ids(adapters, hashtag="done", words=("ready",)) == [video.id]


@pytest.mark.postgres
async def test_postgres_overlapping_caption_edits_keep_words_and_hashtags_in_step(
    postgres_engine: AsyncEngine,
) -> None:
    # A stale copy saved right after a caption edit puts its own caption back: the word and
    # hashtag rows must follow it, although that caption equals the one it first read.
    factory = SqlUnitOfWorkFactory(postgres_engine)
    adapters = Adapters(
        factory, SqlVideoQueries(postgres_engine), SqlIdempotencyStore(postgres_engine)
    )
    alice = make_user("alice")
    video = make_video(alice, **captioned("original words #before"))
    await add(adapters, alice, video)
    both_read = asyncio.Barrier(2)
    edit_saved = asyncio.Event()
    edited = dataclasses.replace(video, **captioned("edited text #after"))
    stale = dataclasses.replace(video, duration_seconds=9.0)  # still the original caption

    async def edit() -> None:
        async with factory() as uow:
            await uow.videos.get(video.id)
            await both_read.wait()
            assert await uow.videos.save(edited, expected_status=READY)
            edit_saved.set()
            await until_waiting_on_locks(postgres_engine)  # the stale save waits on the row lock
            await uow.commit()

    async def save_stale() -> None:
        async with factory() as uow:
            await uow.videos.get(video.id)
            await both_read.wait()
            await edit_saved.wait()
            assert await uow.videos.save(stale, expected_status=READY)
            await uow.commit()

    await asyncio.wait_for(asyncio.gather(edit(), save_stale()), timeout=10)

    assert await get_video(adapters, video.id) == stale
    assert await public_ids(adapters, hashtag="before", words=("original",)) == [video.id]
    assert await public_ids(adapters, hashtag="after") == []
    assert await public_ids(adapters, words=("edited",)) == []


@pytest.mark.postgres
async def test_postgres_video_lists_read_their_indexes_in_order(
    postgres_engine: AsyncEngine,
) -> None:
    alice = make_user("alice")
    adapters = Adapters(
        SqlUnitOfWorkFactory(postgres_engine),
        SqlVideoQueries(postgres_engine),
        SqlIdempotencyStore(postgres_engine),
    )
    await add(adapters, alice, *(make_video(alice, i) for i in range(5)))
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(postgres_engine.sync_engine, "before_cursor_execute", record)
    try:
        after = (T0 + timedelta(hours=1), uuid4())
        await adapters.queries.list_public(PublicVideoFilter(), None, after=after, limit=3)
        await adapters.queries.list_by_owner(
            alice.id, None, include_unlisted=False, after=after, limit=3
        )
    finally:
        event.remove(postgres_engine.sync_engine, "before_cursor_execute", record)
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2  # one statement per call

    plans = []
    async with postgres_engine.connect() as connection:
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in selects:
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in rows))
    public_plan, owner_plan = plans
    assert "ix_videos_published_at_id" in public_plan
    assert "ix_videos_owner_id_created_at_id" in owner_plan
    for plan in plans:
        assert "Sort" not in plan
