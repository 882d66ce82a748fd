"""The search index contract, on every adapter (memory, SQLite FTS5, PostgreSQL full-text search
and trigrams): words, phrases, exclusions, hashtags, prefixes, accents, ranking on crafted corpora,
keyset pages, and only published videos. The PostgreSQL checks at the end prove, with EXPLAIN, that
the searches read their GIN indexes."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.search import MemorySearchIndex
from adapters.memory.store import MemoryDatabase
from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.memory.videos import MemoryVideoQueries
from adapters.postgres.read_pool import create_select_runner
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.search_index import SqlSearchIndex
from adapters.sqlalchemy.tables import metadata
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWorkFactory
from application.ports.search_index import SearchIndex, SearchKey
from application.ports.unit_of_work import UnitOfWorkFactory
from domain.search import parse_search
from domain.users import User
from domain.videos import Caption, Video, VideoStatus, Visibility

T0 = datetime(2026, 11, 22, 8, 0, 0, 123456, tzinfo=UTC)
FILLER = [f"filler clip number {word}" for word in ("one", "two", "three", "four", "five", "six")]


@dataclasses.dataclass(frozen=True)
class Adapters:
    uow: UnitOfWorkFactory
    index: SearchIndex


@pytest.fixture
async def adapters(storage_url: str | None) -> AsyncIterator[Adapters]:
    if storage_url is None:
        store = MemoryDatabase()
        yield Adapters(
            uow=lambda: MemoryUnitOfWork(store),
            index=MemorySearchIndex(store, MemoryVideoQueries(store)),
        )
        return
    engine = await _engine_on_empty_tables(storage_url)
    reader = create_select_runner(storage_url, engine)  # production's read path
    try:
        yield Adapters(uow=SqlUnitOfWorkFactory(engine), index=SqlSearchIndex(engine, reader))
    finally:
        await reader.close()
        await engine.dispose()


async def _engine_on_empty_tables(url: str) -> AsyncEngine:
    engine = create_engine(url, pool_size=4)
    if engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in metadata.sorted_tables)
        async with engine.begin() as connection:
            await connection.execute(text(f"TRUNCATE {names}"))
    return engine


def make_user(username: str, display_name: str | None = None) -> User:
    return User(
        id=uuid4(),
        username=username,
        email=f"{username}@example.com",
        password_hash="x",
        display_name=display_name,
        bio=None,
        avatar_url=None,
        created_at=T0,
        updated_at=T0,
    )


def make_video(owner: User, caption: str, **changes: Any) -> Video:
    parsed = Caption.parse(caption)
    video_id = uuid4()
    video = Video(
        id=video_id,
        owner_id=owner.id,
        caption=parsed.text,
        hashtags=parsed.hashtags,
        visibility=Visibility.PUBLIC,
        status=VideoStatus.READY,
        content_type="video/mp4",
        size_bytes=1000,
        storage_key=f"videos/{video_id}/source",
        created_at=T0,
        updated_at=T0,
        published_at=T0,
    )
    return dataclasses.replace(video, **changes)


async def add(adapters: Adapters, *items: User | Video) -> None:
    async with adapters.uow() as uow:
        for item in items:
            if isinstance(item, User):
                await uow.users.add(item)
            else:
                await uow.videos.add(item)
        await uow.commit()


async def corpus(adapters: Adapters, *captions: str) -> list[UUID]:
    """Videos with these captions (and a few fillers, so that word statistics mean something)."""
    owner = make_user("owner")
    videos = [make_video(owner, caption) for caption in captions]
    fillers = [make_video(owner, caption) for caption in FILLER]
    await add(adapters, owner, *videos, *fillers)
    return [video.id for video in videos]


async def found(adapters: Adapters, q: str, *, limit: int = 50) -> list[UUID]:
    rows = await adapters.index.find_videos(parse_search(q), None, after=None, limit=limit)
    return [row.view.video.id for row in rows]


async def test_every_word_must_be_in_the_caption(adapters: Adapters) -> None:
    both, only_cats, neither = await corpus(
        adapters, "cats and dogs", "just cats here", "birds only"
    )

    assert await found(adapters, "dogs cats") == [both]
    assert set(await found(adapters, "cats ")) == {both, only_cats}
    assert neither not in await found(adapters, "birds cats")


async def test_a_quoted_phrase_needs_its_words_together_and_in_order(adapters: Adapters) -> None:
    together, apart, reversed_ = await corpus(
        adapters, "a funny dog video", "a funny and lazy dog", "dog funny"
    )

    assert await found(adapters, '"funny dog"') == [together]
    assert set(await found(adapters, "funny dog")) == {together, apart, reversed_}


async def test_words_joined_by_punctuation_are_a_phrase(adapters: Adapters) -> None:
    joined, apart = await corpus(adapters, "send an e-mail today", "mail an e card")

    assert set(await found(adapters, "mail")) == {joined, apart}

    assert await found(adapters, "e-mail send") == [joined]


async def test_an_excluded_word_or_phrase_leaves_videos_out(adapters: Adapters) -> None:
    clean, spam, phrase = await corpus(adapters, "cute cats", "cute cats spam", "cute cats buy now")

    assert spam in await found(adapters, "cute")

    assert set(await found(adapters, "cute -spam")) == {clean, phrase}
    assert await found(adapters, 'cute -spam -"buy now"') == [clean]


async def test_exclusions_alone_find_nothing(adapters: Adapters) -> None:
    await corpus(adapters, "cute cats")

    assert await found(adapters, "-spam") == []
    assert await found(adapters, "!!! ...") == []


async def test_a_hashtag_finds_videos_tagged_with_it_not_the_bare_word(adapters: Adapters) -> None:
    tagged, bare, other_tag = await corpus(
        adapters, "my pet #cats", "cats everywhere", "#catsofinstagram"
    )

    assert await found(adapters, "#cats") == [tagged]
    assert await found(adapters, "#Cats pet") == [tagged]
    assert set(await found(adapters, "cats")) == {tagged, bare, other_tag}  # last word: a prefix


async def test_the_last_word_also_matches_as_a_prefix(adapters: Adapters) -> None:
    cats, category, dog = await corpus(
        adapters, "cats dancing", "a category of dancing", "dancing dog"
    )

    assert set(await found(adapters, "danc")) == {cats, category, dog}
    assert set(await found(adapters, "dancing cat")) == {cats, category}
    assert await found(adapters, "cat dancing") == []  # only the last word is a prefix
    assert await found(adapters, '"dancing cat"') == []  # nor a quoted one
    assert set(await found(adapters, "dancing -cats")) == {category, dog}


async def test_case_and_accents_are_ignored(adapters: Adapters) -> None:
    accented, plain = await corpus(adapters, "Un CAFÉ crème", "cafe noir")

    assert set(await found(adapters, "café")) == {accented, plain}
    assert set(await found(adapters, "CAFE")) == {accented, plain}
    assert await found(adapters, "creme cafe") == [accented]


async def test_more_occurrences_rank_first(adapters: Adapters) -> None:
    once, thrice = await corpus(
        adapters, "cats and a long tail of other words here", "cats cats cats"
    )

    assert await found(adapters, "cats") == [thrice, once]


async def test_engagement_breaks_a_tie_of_relevance(adapters: Adapters) -> None:
    owner = make_user("owner")
    quiet = make_video(owner, "surfing at dawn", engagement_points=0)
    popular = make_video(owner, "surfing at dawn", engagement_points=500)
    middle = make_video(owner, "surfing at dawn", engagement_points=40)
    fillers = [make_video(owner, caption) for caption in FILLER]
    await add(adapters, owner, quiet, popular, middle, *fillers)

    assert await found(adapters, "surfing") == [popular.id, middle.id, quiet.id]


async def test_only_public_ready_videos_are_found(adapters: Adapters) -> None:
    owner = make_user("owner")
    public = make_video(owner, "secret recipe")
    hidden = [
        make_video(owner, "secret recipe", visibility=Visibility.PRIVATE),
        make_video(owner, "secret recipe", visibility=Visibility.UNLISTED),
        make_video(owner, "secret recipe", status=VideoStatus.PROCESSING, published_at=None),
        make_video(owner, "secret recipe", status=VideoStatus.FAILED, published_at=None),
    ]
    await add(adapters, owner, public, *hidden)

    assert await found(adapters, "secret recipe") == [public.id]


async def test_a_deleted_video_is_gone_and_an_edited_caption_is_searched_anew(
    adapters: Adapters,
) -> None:
    kept, deleted = await corpus(adapters, "old words", "old words too")
    async with adapters.uow() as uow:
        await uow.videos.delete(deleted)
        video = await uow.videos.get(kept)
        assert video is not None
        edited = Caption.parse("brand new #caption")
        changed = dataclasses.replace(video, caption=edited.text, hashtags=edited.hashtags)
        assert await uow.videos.save(changed, expected_status=VideoStatus.READY)
        await uow.commit()

    assert await found(adapters, "old") == []
    assert await found(adapters, "#caption brand") == [kept]


async def test_pages_walk_every_match_once_in_score_order(adapters: Adapters) -> None:
    owner = make_user("owner")
    videos = [
        make_video(owner, "walk " * (1 + i % 3), engagement_points=i * 7 % 5) for i in range(11)
    ]
    await add(adapters, owner, *videos, *(make_video(owner, c) for c in FILLER))
    terms = parse_search("walk")
    everything = await adapters.index.find_videos(terms, None, after=None, limit=100)

    walked: list[UUID] = []
    after: SearchKey | None = None
    while True:
        rows = await adapters.index.find_videos(terms, None, after=after, limit=4)
        walked += [row.view.video.id for row in rows]
        if len(rows) < 4:
            break
        after = (rows[-1].score, rows[-1].view.video.id)

    assert walked == [row.view.video.id for row in everything]
    assert sorted(walked) == sorted(video.id for video in videos)
    keys = [(row.score, row.view.video.id) for row in everything]
    assert keys == sorted(keys, reverse=True)


async def test_a_signed_in_search_says_which_videos_the_viewer_likes(adapters: Adapters) -> None:
    (video_id,) = await corpus(adapters, "liked clip")
    viewer = make_user("viewer")
    await add(adapters, viewer)
    async with adapters.uow() as uow:
        await uow.likes.like_video(viewer.id, video_id, T0)
        await uow.commit()

    rows = await adapters.index.find_videos(parse_search("liked"), viewer.id, after=None, limit=5)
    anonymous = await adapters.index.find_videos(parse_search("liked"), None, after=None, limit=5)

    assert [row.view.liked_by_me for row in rows] == [True]
    assert [row.view.liked_by_me for row in anonymous] == [None]


# --- users ----------------------------------------------------------------------------------------


async def found_users(adapters: Adapters, q: str) -> list[str]:
    rows = await adapters.index.find_users(q, None, after=None, limit=50)
    return [row.user.username for row in rows]


async def test_users_exact_match_first_then_prefix_then_similar(adapters: Adapters) -> None:
    await add(
        adapters,
        make_user("anna"),
        make_user("annabelle"),
        make_user("ana_b"),
        make_user("bob", display_name="Bobby Tables"),
    )

    assert await found_users(adapters, "anna") == ["anna", "annabelle", "ana_b"]


async def test_users_match_by_display_name_ignoring_case(adapters: Adapters) -> None:
    await add(
        adapters,
        make_user("zed", display_name="Anna Karenina"),
        make_user("xavier", display_name="Someone Else"),
    )

    assert await found_users(adapters, "anna karenina") == ["zed"]
    assert await found_users(adapters, "anna k") == ["zed"]


async def test_users_search_escapes_like_wildcards(adapters: Adapters) -> None:
    await add(adapters, make_user("a_b"), make_user("axb"))

    assert await found_users(adapters, "a_") == ["a_b"]
    assert await found_users(adapters, "%") == []


async def test_user_pages_walk_every_match_once(adapters: Adapters) -> None:
    names = ["sam", *(f"sam{i}" for i in range(7)), "sam_x", "samantha"]
    await add(adapters, *(make_user(name) for name in names))
    everything = await adapters.index.find_users("sam", None, after=None, limit=100)

    walked: list[str] = []
    after: SearchKey | None = None
    while True:
        rows = await adapters.index.find_users("sam", None, after=after, limit=3)
        walked += [row.user.username for row in rows]
        if len(rows) < 3:
            break
        after = (rows[-1].score, rows[-1].user.id)

    assert walked == [row.user.username for row in everything]
    assert sorted(walked) == sorted(names)
    assert walked[0] == "sam"


# --- PostgreSQL: the searches read their GIN indexes ------------------------------------------------


async def _plans(engine: AsyncEngine, call: Any, *, seqscan: bool = False) -> list[str]:
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await call()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1  # one statement per call
    plans = []
    async with engine.connect() as connection:
        if not seqscan:
            await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in selects:
            rows = await connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in rows))
    return plans


@pytest.mark.postgres
async def test_postgres_video_search_reads_the_gin_index(
    own_postgres_engine: AsyncEngine,
) -> None:
    postgres_engine = own_postgres_engine  # it ANALYZEs what it loads
    adapters = Adapters(SqlUnitOfWorkFactory(postgres_engine), SqlSearchIndex(postgres_engine))
    await corpus(adapters, "cats dancing #cats", "dogs")
    async with postgres_engine.begin() as connection:  # a library of 5,000 other videos
        await connection.execute(
            text(
                "INSERT INTO videos (id, owner_id, caption, visibility, status, content_type,"
                " size_bytes, storage_key, created_at, updated_at, published_at)"
                " SELECT gen_random_uuid(), owner_id, 'clip ' || n || ' of word' || (n % 40),"
                " 'public', 'ready', 'video/mp4', 1, 'k' || n, created_at, updated_at,"
                " published_at FROM (SELECT * FROM videos LIMIT 1) AS v,"
                " generate_series(1, 5000) AS n"
            )
        )
        await connection.execute(text("ANALYZE"))
    index = adapters.index

    (words_plan,) = await _plans(
        postgres_engine,
        lambda: index.find_videos(parse_search("dancing ca"), None, after=(5.0, uuid4()), limit=5),
        seqscan=True,
    )
    (tagged_plan,) = await _plans(
        postgres_engine,
        lambda: index.find_videos(parse_search("#cats danc"), None, after=None, limit=5),
        seqscan=True,
    )

    assert "Bitmap Index Scan on ix_videos_search_vector" in words_plan
    for plan in (words_plan, tagged_plan):  # a rare hashtag may lead through its own index
        assert "Seq Scan on videos" not in plan, plan


@pytest.mark.postgres
async def test_postgres_user_search_reads_the_trigram_indexes(
    postgres_engine: AsyncEngine,
) -> None:
    adapters = Adapters(SqlUnitOfWorkFactory(postgres_engine), SqlSearchIndex(postgres_engine))
    await add(adapters, make_user("anna"), make_user("ana_b"))
    index = adapters.index

    (plan,) = await _plans(
        postgres_engine, lambda: index.find_users("anna", None, after=None, limit=5)
    )

    assert "ix_users_username_trgm" in plan, plan  # similar spellings and prefixes
    assert "ix_users_display_name_trgm" in plan, plan
    assert "Seq Scan on users" not in plan, plan
